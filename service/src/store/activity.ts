import type Database from 'better-sqlite3'
import { directWrites, isBusy, type Writes } from './write-queue.js'

const minuteMs = 60_000

/** Hits for one domain in one minute; `minute` is any epoch ms within it (stored as the minute's start). */
export interface ActivityRow { minute: number, domain: string, hits: number }

export interface Activity {
  /**
   * Adds to what is stored (one transaction): flushing the same minute twice sums the hits. While
   * the database is locked, hits are summed in memory into the one write that waits, not queued
   * once per flush: per-minute counts do not depend on anything else, so their order does not matter.
   */
  add (rows: ActivityRow[]): void
  /** Hits in every minute that ends after `sinceMs`, so the minute containing it counts whole. */
  hitsSince (domain: string, sinceMs: number): number
  /** Start (epoch ms) of the last minute with hits, or null if none is stored. */
  lastActiveMinute (domain: string): number | null
}

export function createActivity (db: Database.Database, writes: Writes = directWrites): Activity {
  const upsert = db.prepare<[number, string, number]>(`
    INSERT INTO activity (minute, domain, hits) VALUES (?, ?, ?)
    ON CONFLICT (minute, domain) DO UPDATE SET hits = hits + excluded.hits`)
  const sumSince = db.prepare<[string, number], { hits: number }>(
    'SELECT coalesce(sum(hits), 0) AS hits FROM activity WHERE domain = ? AND minute > ?')
  const lastMinute = db.prepare<[string], { minute: number | null }>(
    'SELECT max(minute) AS minute FROM activity WHERE domain = ? AND hits > 0')
  const addAll = db.transaction((rows: Iterable<ActivityRow>) => {
    for (const r of rows) upsert.run(r.minute, r.domain, r.hits)
  })
  // hits not written yet, by "<minute start> <domain>"; `queued`: a write for them is in the queue
  const unwritten = new Map<string, ActivityRow>()
  let queued = false
  const writeUnwritten = (): void => {
    try {
      addAll(unwritten.values())
    } catch (err) {
      // kept for the retry while locked; anything else loses them, and the write queue logs it
      if (!isBusy(err)) { unwritten.clear(); queued = false }
      throw err
    }
    unwritten.clear()
    queued = false
  }

  return {
    add (rows) {
      for (const r of rows) {
        if (r.hits === 0) continue
        const minute = Math.floor(r.minute / minuteMs) * minuteMs
        const key = `${minute} ${r.domain}`
        const sum = unwritten.get(key)
        if (sum === undefined) unwritten.set(key, { minute, domain: r.domain, hits: r.hits })
        else sum.hits += r.hits
      }
      if (queued || unwritten.size === 0) return
      queued = writes.run('activity.add', writeUnwritten) === 'waiting'
    },
    hitsSince (domain, sinceMs) {
      return sumSince.get(domain, sinceMs - minuteMs)?.hits ?? 0
    },
    lastActiveMinute (domain) {
      return lastMinute.get(domain)?.minute ?? null
    }
  }
}
