import type Database from 'better-sqlite3'

/** What survives a restart of Hall, one row per server. */
export interface PersistedServerState {
  server: string
  phase: string
  since: number
  wakeId: number | null
  lastActivityAt: number | null
  /** The idle countdown runs from here. */
  idleFrom: number | null
  shutdownId: number | null
  updatedAt: number
}

export interface ServerStates {
  loadAll (): Map<string, PersistedServerState>
  save (s: PersistedServerState): void
  remove (server: string): void
}

export function createServerStates (db: Database.Database): ServerStates {
  const selectAll = db.prepare<[], PersistedServerState>(`
    SELECT server, phase, since, wake_id AS wakeId, last_activity_at AS lastActivityAt,
      idle_from AS idleFrom, shutdown_id AS shutdownId, updated_at AS updatedAt
    FROM server_state ORDER BY server`)
  const upsert = db.prepare<[PersistedServerState]>(`
    INSERT INTO server_state (server, phase, since, wake_id, last_activity_at, idle_from, shutdown_id, updated_at)
    VALUES (@server, @phase, @since, @wakeId, @lastActivityAt, @idleFrom, @shutdownId, @updatedAt)
    ON CONFLICT (server) DO UPDATE SET
      phase = excluded.phase, since = excluded.since, wake_id = excluded.wake_id,
      last_activity_at = excluded.last_activity_at, idle_from = excluded.idle_from,
      shutdown_id = excluded.shutdown_id, updated_at = excluded.updated_at`)
  const del = db.prepare<[string]>('DELETE FROM server_state WHERE server = ?')

  return {
    loadAll () {
      return new Map(selectAll.all().map(s => [s.server, s]))
    },
    save (s) {
      upsert.run(s)
    },
    remove (server) {
      del.run(server)
    }
  }
}
