import type Database from 'better-sqlite3'
import type { ShutdownFinalOutcome, ShutdownOutcome, ShutdownTrigger } from '../ports/power-records.js'
import { idAllocator } from './allocated-ids.js'
import { truncateUtf8 } from './truncate.js'
import { upToDate } from './up-to-date.js'
import { directWrites, type Writes } from './write-queue.js'

/** One shutdown attempt, one row: each timestamp is null until that step happened; trigger and outcome are CHECKed like a wake's. */
export interface ShutdownRecord {
  id: number
  server: string
  trigger: ShutdownTrigger
  requestedAt: number
  /** The command was started; set even if Hall died before it finished. */
  sendStartedAt: number | null
  sentAt: number | null
  exitCode: number | null
  stderr: string | null
  offAt: number | null
  finishedAt: number | null
  outcome: ShutdownOutcome
  errorCode: string | null
  errorMessage: string | null
}

export interface ShutdownSent { at: number, exitCode: number | null, stderr: string | null }
export interface ShutdownFinish { outcome: ShutdownFinalOutcome, at: number, errorCode?: string, errorMessage?: string }

export interface Shutdowns {
  /** Returns the new shutdown's id at once; its row may be written later. */
  begin (s: { server: string, trigger: ShutdownTrigger, requestedAt: number }): number
  markSending (id: number, at: number): void
  markSent (id: number, s: ShutdownSent): void
  /** Finishes once; `off` also records when the host went quiet. */
  finish (id: number, f: ShutdownFinish): void
  get (id: number): ShutdownRecord | null
  latest (server: string): ShutdownRecord | null
  /** Shutdowns still in flight, any server, oldest first. Throws HALL_ERR_STORE_IN_USE while Hall's own writes wait for the lock. */
  pending (): ShutdownRecord[]
  /** Newest first. */
  recent (server: string, limit: number): ShutdownRecord[]
}

const columns = `id, server, trigger, requested_at AS requestedAt, send_started_at AS sendStartedAt, sent_at AS sentAt, exit_code AS exitCode, stderr,
  off_at AS offAt, finished_at AS finishedAt, outcome, error_code AS errorCode, error_message AS errorMessage`

export function createShutdowns (db: Database.Database, writes: Writes = directWrites): Shutdowns {
  const nextId = idAllocator(db, 'shutdowns')
  const insert = db.prepare<[{ id: number, server: string, trigger: ShutdownTrigger, requestedAt: number }]>(
    'INSERT INTO shutdowns (id, server, trigger, requested_at) VALUES (@id, @server, @trigger, @requestedAt)')
  const updateSending = db.prepare<[number, number]>('UPDATE shutdowns SET send_started_at = ? WHERE id = ?')
  const updateSent = db.prepare<[number, number | null, string | null, number]>(
    'UPDATE shutdowns SET sent_at = ?, exit_code = ?, stderr = ? WHERE id = ?')
  const updateFinish = db.prepare<[string, number, number | null, string | null, string | null, number]>(`
    UPDATE shutdowns SET outcome = ?, finished_at = ?, off_at = ?, error_code = ?, error_message = ?
    WHERE id = ? AND outcome = 'pending'`)
  const selectById = db.prepare<[number], ShutdownRecord>(`SELECT ${columns} FROM shutdowns WHERE id = ?`)
  const selectRecent = db.prepare<[string, number], ShutdownRecord>(
    `SELECT ${columns} FROM shutdowns WHERE server = ? ORDER BY requested_at DESC, id DESC LIMIT ?`)
  const selectPending = db.prepare<[], ShutdownRecord>(
    `SELECT ${columns} FROM shutdowns WHERE outcome = 'pending' ORDER BY requested_at, id`)

  return {
    begin (s) {
      const row = { id: nextId(), server: s.server, trigger: s.trigger, requestedAt: s.requestedAt }
      writes.run('shutdowns.begin', () => insert.run(row))
      return row.id
    },
    markSending (id, at) {
      writes.run('shutdowns.markSending', () => updateSending.run(at, id))
    },
    markSent (id, s) {
      const stderr = s.stderr === null ? null : truncateUtf8(s.stderr)
      writes.run('shutdowns.markSent', () => updateSent.run(s.at, s.exitCode, stderr, id))
    },
    finish (id, f) {
      writes.run('shutdowns.finish', () => updateFinish.run(f.outcome, f.at, f.outcome === 'off' ? f.at : null, f.errorCode ?? null, f.errorMessage ?? null, id))
    },
    get: (id) => selectById.get(id) ?? null,
    latest: (server) => selectRecent.get(server, 1) ?? null,
    pending () {
      upToDate(writes, 'the shutdowns in flight')
      return selectPending.all()
    },
    recent: (server, limit) => selectRecent.all(server, limit)
  }
}
