import type Database from 'better-sqlite3'
import { directWrites, type Writes } from './write-queue.js'

/** How often a running Hall moves its run's last_seen_at on: a crash loses at most this much known time. */
export const UPTIME_BEAT_MS = 60_000

/** One run of Hall, from when it began serving to the last time it said it was alive. */
export interface UptimeRun { readonly startedAt: number, readonly lastSeenAt: number }

export interface Uptime {
  /**
   * Called often (every activity flush): the first call opens this run's row, later ones move
   * last_seen_at on at most once every UPTIME_BEAT_MS, and `final` (a clean stop) always does.
   */
  beat (now: number, final?: boolean): void
  /** Runs that overlap [fromMs, toMs), oldest first. */
  runsBetween (fromMs: number, toMs: number): UptimeRun[]
}

export function createUptime (db: Database.Database, writes: Writes = directWrites): Uptime {
  const insert = db.prepare<[number, number]>('INSERT INTO uptime (started_at, last_seen_at) VALUES (?, ?)')
  const update = db.prepare<[number, number]>('UPDATE uptime SET last_seen_at = max(last_seen_at, ?) WHERE id = ?')
  const select = db.prepare<[number, number], UptimeRun>(`
    SELECT started_at AS startedAt, last_seen_at AS lastSeenAt FROM uptime
    WHERE last_seen_at >= ? AND started_at < ? ORDER BY started_at, id`)
  let started = false
  let runId: number | null = null
  let lastBeatAt = -Infinity

  return {
    beat (now, final = false) {
      if (!started) {
        started = true
        lastBeatAt = now
        // the id is needed for the updates: this one insert is written at once when it can be, and
        // when the database is locked the run's row waits in the queue like any other write
        writes.run('uptime.start', () => { runId = Number(insert.run(now, now).lastInsertRowid) })
        return
      }
      // runId is still null while the run's own row waits for the lock: nothing to move on yet
      if (runId === null || (!final && now - lastBeatAt < UPTIME_BEAT_MS)) return
      lastBeatAt = now
      const id = runId
      writes.run('uptime.beat', () => update.run(now, id), `uptime ${id}`)
    },
    runsBetween (fromMs, toMs) {
      return select.all(fromMs, toMs)
    }
  }
}
