import type Database from 'better-sqlite3'
import { upToDate } from './up-to-date.js'
import { directWrites, type Writes } from './write-queue.js'

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
  /** A wake asked for while the server could not take one yet (shutting down, first probe pending). */
  pendingWake: string | null
  retryNotBefore: number | null
  autoWakeNotBefore: number | null
  shutdownSuspended: boolean
  updatedAt: number
}

interface Row extends Omit<PersistedServerState, 'shutdownSuspended'> { shutdownSuspended: number }

export interface ServerStates {
  /** Throws HALL_ERR_STORE_IN_USE while Hall's own writes wait for another process's lock: it would read the past. */
  loadAll (): Map<string, PersistedServerState>
  save (s: PersistedServerState): void
  remove (server: string): void
}

export function createServerStates (db: Database.Database, writes: Writes = directWrites): ServerStates {
  const selectAll = db.prepare<[], Row>(`
    SELECT server, phase, since, wake_id AS wakeId, last_activity_at AS lastActivityAt,
      idle_from AS idleFrom, shutdown_id AS shutdownId, pending_wake AS pendingWake,
      retry_not_before AS retryNotBefore, auto_wake_not_before AS autoWakeNotBefore,
      shutdown_suspended AS shutdownSuspended, updated_at AS updatedAt
    FROM server_state ORDER BY server`)
  const upsert = db.prepare<[Row]>(`
    INSERT INTO server_state (server, phase, since, wake_id, last_activity_at, idle_from, shutdown_id,
      pending_wake, retry_not_before, auto_wake_not_before, shutdown_suspended, updated_at)
    VALUES (@server, @phase, @since, @wakeId, @lastActivityAt, @idleFrom, @shutdownId,
      @pendingWake, @retryNotBefore, @autoWakeNotBefore, @shutdownSuspended, @updatedAt)
    ON CONFLICT (server) DO UPDATE SET
      phase = excluded.phase, since = excluded.since, wake_id = excluded.wake_id,
      last_activity_at = excluded.last_activity_at, idle_from = excluded.idle_from,
      shutdown_id = excluded.shutdown_id, pending_wake = excluded.pending_wake,
      retry_not_before = excluded.retry_not_before, auto_wake_not_before = excluded.auto_wake_not_before,
      shutdown_suspended = excluded.shutdown_suspended, updated_at = excluded.updated_at`)
  const del = db.prepare<[string]>('DELETE FROM server_state WHERE server = ?')

  return {
    loadAll () {
      upToDate(writes, 'the saved server states')
      return new Map(selectAll.all().map(r => [r.server, { ...r, shutdownSuspended: r.shutdownSuspended !== 0 }]))
    },
    // one row per server: only its last content matters, so a queued save is replaced, not queued twice
    save (s) {
      const row = { ...s, shutdownSuspended: s.shutdownSuspended ? 1 : 0 }
      writes.run('server_state.save', () => upsert.run(row), `server_state ${s.server}`)
    },
    remove (server) {
      writes.run('server_state.remove', () => del.run(server), `server_state ${server}`)
    }
  }
}
