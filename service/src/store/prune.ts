import type Database from 'better-sqlite3'

export interface PruneCounts { transitions: number, events: number, activity: number, wakes: number, shutdowns: number }

/**
 * Deletes history older than `cutoffMs` in one transaction. Pending wakes and shutdowns stay whatever their age:
 * after a restart they are how Hall knows a wake is still in flight.
 * Rare (on a schedule), so the statements are prepared per call.
 */
export function pruneOlderThan (db: Database.Database, cutoffMs: number): PruneCounts {
  const prune = db.transaction((): PruneCounts => ({
    transitions: db.prepare('DELETE FROM transitions WHERE at < ?').run(cutoffMs).changes,
    events: db.prepare('DELETE FROM events WHERE at < ?').run(cutoffMs).changes,
    // a minute goes once it has ended before the cutoff
    activity: db.prepare('DELETE FROM activity WHERE minute + 60000 <= ?').run(cutoffMs).changes,
    wakes: db.prepare("DELETE FROM wakes WHERE requested_at < ? AND outcome <> 'pending'").run(cutoffMs).changes,
    shutdowns: db.prepare("DELETE FROM shutdowns WHERE requested_at < ? AND outcome <> 'pending'").run(cutoffMs).changes
  }))
  return prune()
}
