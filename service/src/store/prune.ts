import type Database from 'better-sqlite3'
import { directWrites, isBusy, type Writes } from './write-queue.js'

export interface PruneCounts { transitions: number, events: number, activity: number, wakes: number, shutdowns: number }

export interface PruneResult {
  readonly deleted: PruneCounts
  /** false: stopped early because the database was locked (or Hall's own writes waited); the next round goes on. */
  readonly complete: boolean
}

export interface PruneOptions {
  /** Rows deleted per table per batch: one batch holds the event loop a few milliseconds at most. */
  readonly batchRows?: number
  /** Resolves on a later turn of the event loop, so requests are answered between two batches. */
  readonly nextTurn?: () => Promise<void>
  /** Pruning never queues: it stops while Hall's own writes wait for the lock. */
  readonly writes?: Writes
}

/** Deletes rows in batches; returns how many rows of each table one batch deleted. */
type Batch = (cutoffMs: number, limit: number) => PruneCounts

/**
 * Deletes history older than `cutoffMs`, in batches of `batchRows` rows per table, one batch per
 * turn of the event loop. Pending wakes and shutdowns stay whatever their age: after a restart
 * they are how Hall knows a wake is still in flight. Rare (hourly), so statements are prepared per call.
 */
export async function pruneOlderThan (db: Database.Database, cutoffMs: number, options: PruneOptions = {}): Promise<PruneResult> {
  const limit = options.batchRows ?? 500
  const nextTurn = options.nextTurn ?? (async () => { await new Promise<void>(resolve => setImmediate(resolve)) })
  const writes = options.writes ?? directWrites
  const batch = prepareBatch(db)
  const deleted: PruneCounts = { transitions: 0, events: 0, activity: 0, wakes: 0, shutdowns: 0 }
  for (;;) {
    if (!db.open || writes.size() > 0) return { deleted, complete: false }
    let counts: PruneCounts
    try {
      counts = batch(cutoffMs, limit)
    } catch (err) {
      if (isBusy(err)) return { deleted, complete: false } // another process writes: next round
      throw err
    }
    for (const table of Object.keys(deleted) as Array<keyof PruneCounts>) deleted[table] += counts[table]
    // a table done when a batch deleted fewer rows than it could
    if (Object.values(counts).every(n => n < limit)) return { deleted, complete: true }
    await nextTurn()
  }
}

function prepareBatch (db: Database.Database): Batch {
  // rowid: the way to say "at most N rows" in a DELETE without SQLite's optional LIMIT clause
  const del = (table: string, where: string) => db.prepare<[number, number]>(
    `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ?)`)
  const transitions = del('transitions', 'at < ?')
  const events = del('events', 'at < ?')
  // a minute goes once it has ended before the cutoff; written so the (minute, domain) key is used
  const activity = del('activity', 'minute <= ? - 60000')
  const wakes = del('wakes', "requested_at < ? AND outcome <> 'pending'")
  const shutdowns = del('shutdowns', "requested_at < ? AND outcome <> 'pending'")
  const batch = db.transaction((cutoffMs: number, limit: number): PruneCounts => ({
    transitions: transitions.run(cutoffMs, limit).changes,
    events: events.run(cutoffMs, limit).changes,
    activity: activity.run(cutoffMs, limit).changes,
    wakes: wakes.run(cutoffMs, limit).changes,
    shutdowns: shutdowns.run(cutoffMs, limit).changes
  }))
  // IMMEDIATE: the write lock is asked for first, so a locked database fails at once, before any work
  return (cutoffMs, limit) => batch.immediate(cutoffMs, limit)
}
