import type Database from 'better-sqlite3'
import type { WakeFinalOutcome, WakeMethod, WakeOutcome, WakeTrigger } from '../ports/power-records.js'
import { idAllocator } from './allocated-ids.js'
import { truncateUtf8 } from './truncate.js'
import { upToDate } from './up-to-date.js'
import { directWrites, type Writes } from './write-queue.js'

/**
 * One wake attempt, one row: each timestamp is null until that step happened. trigger, method and
 * outcome hold only the values of ports/power-records.ts: migration 3's CHECK constraints see to it.
 */
export interface WakeRecord {
  id: number
  server: string
  trigger: WakeTrigger
  method: WakeMethod
  requestedAt: number
  /** The packet or relay command was started; set even if Hall died before it finished. */
  sendStartedAt: number | null
  sentAt: number | null
  packetsSent: number | null
  exitCode: number | null
  stderr: string | null
  aliveAt: number | null
  runningAt: number | null
  finishedAt: number | null
  outcome: WakeOutcome
  errorCode: string | null
  errorMessage: string | null
}

export interface WakeStart { server: string, trigger: WakeTrigger, method: WakeMethod, requestedAt: number }
export interface WakeSent { at: number, packetsSent: number, exitCode: number | null, stderr: string | null }
export interface WakeFinish { outcome: WakeFinalOutcome, at: number, errorCode?: string, errorMessage?: string }

export interface Wakes {
  /** Returns the new wake's id at once, its row may be written later; its outcome is 'pending' until finish(). */
  begin (w: WakeStart): number
  markSending (id: number, at: number): void
  markSent (id: number, s: WakeSent): void
  /** Keeps the first time the host answered: later calls do nothing. */
  markAlive (id: number, at: number): void
  markRunning (id: number, at: number): void
  /** A wake finishes once: finishing one that is no longer pending does nothing. */
  finish (id: number, f: WakeFinish): void
  get (id: number): WakeRecord | null
  latest (server: string): WakeRecord | null
  /** Wakes still in flight, any server, oldest first. Throws HALL_ERR_STORE_IN_USE while Hall's own writes wait for the lock. */
  pending (): WakeRecord[]
  /** Newest first. */
  recent (server: string, limit: number): WakeRecord[]
  /** Request-to-RUNNING times of Hall's own successful wakes, newest first. */
  bootDurationsMs (server: string, limit: number): number[]
  /** Wakes requested since `sinceMs`, counted by outcome; every outcome is present, 0 if none. */
  countByOutcome (server: string, sinceMs: number): Record<WakeOutcome, number>
}

const columns = `id, server, trigger, method, requested_at AS requestedAt, send_started_at AS sendStartedAt, sent_at AS sentAt,
  packets_sent AS packetsSent, exit_code AS exitCode, stderr, alive_at AS aliveAt, running_at AS runningAt,
  finished_at AS finishedAt, outcome, error_code AS errorCode, error_message AS errorMessage`

export function createWakes (db: Database.Database, writes: Writes = directWrites): Wakes {
  const nextId = idAllocator(db, 'wakes')
  const insert = db.prepare<[WakeStart & { id: number }]>(`
    INSERT INTO wakes (id, server, trigger, method, requested_at) VALUES (@id, @server, @trigger, @method, @requestedAt)`)
  const updateSending = db.prepare<[number, number]>('UPDATE wakes SET send_started_at = ? WHERE id = ?')
  const updateSent = db.prepare<[number, number, number | null, string | null, number]>(
    'UPDATE wakes SET sent_at = ?, packets_sent = ?, exit_code = ?, stderr = ? WHERE id = ?')
  const updateAlive = db.prepare<[number, number]>(
    'UPDATE wakes SET alive_at = ? WHERE id = ? AND alive_at IS NULL')
  const updateRunning = db.prepare<[number, number]>('UPDATE wakes SET running_at = ? WHERE id = ?')
  const updateFinish = db.prepare<[string, number, string | null, string | null, number]>(`
    UPDATE wakes SET outcome = ?, finished_at = ?, error_code = ?, error_message = ?
    WHERE id = ? AND outcome = 'pending'`)
  const selectById = db.prepare<[number], WakeRecord>(`SELECT ${columns} FROM wakes WHERE id = ?`)
  // id breaks ties between wakes requested in the same millisecond
  const selectRecent = db.prepare<[string, number], WakeRecord>(
    `SELECT ${columns} FROM wakes WHERE server = ? ORDER BY requested_at DESC, id DESC LIMIT ?`)
  const selectPending = db.prepare<[], WakeRecord>(
    `SELECT ${columns} FROM wakes WHERE outcome = 'pending' ORDER BY requested_at, id`)
  const selectDurations = db.prepare<[string, number], { ms: number }>(`
    SELECT running_at - requested_at AS ms FROM wakes
    WHERE server = ? AND outcome = 'running' AND trigger <> 'external' AND running_at IS NOT NULL
    ORDER BY requested_at DESC, id DESC LIMIT ?`)
  const selectCounts = db.prepare<[string, number], { outcome: WakeOutcome, n: number }>(
    'SELECT outcome, count(*) AS n FROM wakes WHERE server = ? AND requested_at >= ? GROUP BY outcome')

  return {
    begin (w) {
      const row = { id: nextId(), server: w.server, trigger: w.trigger, method: w.method, requestedAt: w.requestedAt }
      writes.run('wakes.begin', () => insert.run(row))
      return row.id
    },
    markSending (id, at) {
      writes.run('wakes.markSending', () => updateSending.run(at, id))
    },
    markSent (id, s) {
      const stderr = s.stderr === null ? null : truncateUtf8(s.stderr)
      writes.run('wakes.markSent', () => updateSent.run(s.at, s.packetsSent, s.exitCode, stderr, id))
    },
    markAlive (id, at) {
      writes.run('wakes.markAlive', () => updateAlive.run(at, id))
    },
    markRunning (id, at) {
      writes.run('wakes.markRunning', () => updateRunning.run(at, id))
    },
    finish (id, f) {
      writes.run('wakes.finish', () => updateFinish.run(f.outcome, f.at, f.errorCode ?? null, f.errorMessage ?? null, id))
    },
    get (id) {
      return selectById.get(id) ?? null
    },
    latest (server) {
      return selectRecent.get(server, 1) ?? null
    },
    pending () {
      upToDate(writes, 'the wakes in flight')
      return selectPending.all()
    },
    recent (server, limit) {
      return selectRecent.all(server, limit)
    },
    bootDurationsMs (server, limit) {
      return selectDurations.all(server, limit).map(r => r.ms)
    },
    countByOutcome (server, sinceMs) {
      const counts: Record<WakeOutcome, number> = { pending: 0, running: 0, failed: 0, timeout: 0, cancelled: 0 }
      for (const r of selectCounts.all(server, sinceMs)) counts[r.outcome] = r.n
      return counts
    }
  }
}
