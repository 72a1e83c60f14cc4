import type Database from 'better-sqlite3'

export interface StoredPhaseChange { from: string, to: string, at: number }
export interface StoredWakeFact { trigger: string, outcome: string, requestedAt: number, runningAt: number | null }

/** What the energy report reads back: reads only, so it needs no write queue. */
export interface EnergyFactsReader {
  /**
   * The last transition before `fromMs` (the phase the period starts in; the server's state row
   * when pruning took it), then every one up to `toMs`, oldest first.
   */
  transitions (server: string, fromMs: number, toMs: number): StoredPhaseChange[]
  /** Wakes requested within [fromMs, toMs). */
  wakes (server: string, fromMs: number, toMs: number): StoredWakeFact[]
}

export function createEnergyFacts (db: Database.Database): EnergyFactsReader {
  const lastBefore = db.prepare<[string, number], StoredPhaseChange>(`
    SELECT from_phase AS "from", to_phase AS "to", at FROM transitions
    WHERE server = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1`)
  // history is pruned after 90 days: a server that has not changed since then has no transition
  // left, and its state row (phase and since when) says where it stands
  const stateBefore = db.prepare<[string, number], StoredPhaseChange>(`
    SELECT phase AS "from", phase AS "to", since AS at FROM server_state WHERE server = ? AND since < ?`)
  const within = db.prepare<[string, number, number], StoredPhaseChange>(`
    SELECT from_phase AS "from", to_phase AS "to", at FROM transitions
    WHERE server = ? AND at >= ? AND at <= ? ORDER BY at, id`)
  const wakes = db.prepare<[string, number, number], StoredWakeFact>(`
    SELECT trigger, outcome, requested_at AS requestedAt, running_at AS runningAt FROM wakes
    WHERE server = ? AND requested_at >= ? AND requested_at < ? ORDER BY requested_at, id`)
  return {
    transitions (server, fromMs, toMs) {
      const first = lastBefore.get(server, fromMs) ?? stateBefore.get(server, fromMs)
      return [...(first === undefined ? [] : [first]), ...within.all(server, fromMs, toMs)]
    },
    wakes: (server, fromMs, toMs) => wakes.all(server, fromMs, toMs)
  }
}
