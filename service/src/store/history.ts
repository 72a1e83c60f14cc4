import type Database from 'better-sqlite3'
import { wakeOutcomes, type WakeOutcome } from '../ports/power-records.js'
import type { EventLevel, EventRecord } from './events.js'
import type { ShutdownRecord } from './shutdowns.js'
import type { WakeRecord } from './wakes.js'

/**
 * The admin pages' reads of the history tables: SELECTs only, each with a LIMIT and over an
 * index (transitions, wakes and shutdowns by (server, time); events by time, server, kind or
 * level). The numbers the pages chart are worked out here from those rows.
 */

/** A stretch of time the server spent in one phase; `to` is exclusive. */
export interface PhaseSegment { readonly phase: string, readonly from: number, readonly to: number }

/** One local day's wakes, counted by outcome. */
export interface DayWakes { readonly day: string, readonly counts: Readonly<Record<WakeOutcome, number>> }

/** Who asked for a wake or shutdown started from the admin (its account); null for every other trigger. */
export interface RequestedBy { readonly requestedBy: string | null }

/** Request-to-RUNNING times of Hall's own successful wakes. */
export interface BootTimes { readonly count: number, readonly medianMs: number | null, readonly p95Ms: number | null, readonly samplesMs: readonly number[] }

export interface EventQuery {
  readonly server?: string
  readonly kind?: string
  readonly level?: EventLevel
  /** Only events at or after this time. */
  readonly sinceMs?: number
  /** A page older than this event (keyset: its time, then its id). */
  readonly beforeId?: number
}

export interface HistoryReader {
  /** The phases over [fromMs, toMs), oldest first; UNKNOWN where Hall knows nothing. */
  timeline (server: string, fromMs: number, toMs: number): PhaseSegment[]
  /** The last `days` local days ending with the one holding `nowMs`, oldest first, zeros included. */
  wakesPerDay (server: string, days: number, nowMs: number, timeZone: string): DayWakes[]
  bootTimes (server: string, sinceMs: number): BootTimes
  /** Newest first. */
  recentWakes (server: string, limit: number): Array<WakeRecord & RequestedBy>
  /** Newest first. */
  recentShutdowns (server: string, limit: number): Array<ShutdownRecord & RequestedBy>
  /** Newest first, by time then id. */
  events (query: EventQuery, limit: number): EventRecord[]
  /** Events recorded after `afterId` (the live tail), oldest first. */
  eventsAfter (afterId: number, query: Omit<EventQuery, 'beforeId'>, limit: number): EventRecord[]
}

/** Past this many transitions in one window the oldest are left out (a server flapping for a week). */
export const MAX_TRANSITIONS = 5000
/** Past this many wakes in one chart the oldest are left out. */
export const MAX_WAKES = 10_000

const wakeColumns = `id, server, trigger, method, requested_at AS requestedAt, send_started_at AS sendStartedAt, sent_at AS sentAt,
  packets_sent AS packetsSent, exit_code AS exitCode, stderr, alive_at AS aliveAt, running_at AS runningAt,
  finished_at AS finishedAt, outcome, error_code AS errorCode, error_message AS errorMessage, requested_by AS requestedBy`
const shutdownColumns = `id, server, trigger, requested_at AS requestedAt, send_started_at AS sendStartedAt, sent_at AS sentAt, exit_code AS exitCode, stderr,
  off_at AS offAt, finished_at AS finishedAt, outcome, error_code AS errorCode, error_message AS errorMessage, requested_by AS requestedBy`
const eventColumns = 'id, at, level, server, kind, message, details'

type Transition = { from: string, to: string, at: number }
type EventRow = Omit<EventRecord, 'details'> & { details: string | null }

export function createHistoryReader (db: Database.Database): HistoryReader {
  // newest first, so a capped window loses its oldest transitions, never today's
  const selectTransitions = db.prepare<[string, number, number, number], Transition>(`
    SELECT from_phase AS "from", to_phase AS "to", at FROM transitions
    WHERE server = ? AND at >= ? AND at < ? ORDER BY at DESC, id DESC LIMIT ?`)
  const selectBefore = db.prepare<[string, number], Transition>(`
    SELECT from_phase AS "from", to_phase AS "to", at FROM transitions
    WHERE server = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1`)
  const selectWakeOutcomes = db.prepare<[string, number, number], { requestedAt: number, outcome: WakeOutcome }>(`
    SELECT requested_at AS requestedAt, outcome FROM wakes WHERE server = ? AND requested_at >= ?
    ORDER BY requested_at DESC, id DESC LIMIT ?`)
  const selectBoots = db.prepare<[string, number, number], { ms: number }>(`
    SELECT running_at - requested_at AS ms FROM wakes
    WHERE server = ? AND requested_at >= ? AND outcome = 'running' AND trigger <> 'external' AND running_at IS NOT NULL
    ORDER BY requested_at DESC, id DESC LIMIT ?`)
  const selectWakes = db.prepare<[string, number], WakeRecord & RequestedBy>(
    `SELECT ${wakeColumns} FROM wakes WHERE server = ? ORDER BY requested_at DESC, id DESC LIMIT ?`)
  const selectShutdowns = db.prepare<[string, number], ShutdownRecord & RequestedBy>(
    `SELECT ${shutdownColumns} FROM shutdowns WHERE server = ? ORDER BY requested_at DESC, id DESC LIMIT ?`)
  const selectEventAt = db.prepare<[number], { at: number }>('SELECT at FROM events WHERE id = ?')
  // one statement per combination of filters (16 at most), prepared on first use
  const statements = new Map<string, Database.Statement<unknown[], EventRow>>()
  const prepared = (sql: string): Database.Statement<unknown[], EventRow> => {
    let s = statements.get(sql)
    if (s === undefined) { s = db.prepare<unknown[], EventRow>(sql); statements.set(sql, s) }
    return s
  }

  return {
    timeline (server, fromMs, toMs) {
      const rows = selectTransitions.all(server, fromMs, toMs, MAX_TRANSITIONS).reverse()
      const startPhase = rows[0]?.from ?? selectBefore.get(server, fromMs)?.to ?? 'UNKNOWN'
      return segmentsOf(startPhase, rows, fromMs, toMs)
    },
    wakesPerDay (server, days, nowMs, timeZone) {
      const keys = localDays(days, nowMs, timeZone)
      // a day lasts at most 25 hours (a DST change): this reaches back past the first one's start
      const rows = selectWakeOutcomes.all(server, nowMs - days * 25 * 3600_000, MAX_WAKES)
      const counts = new Map(keys.map(day => [day, zeroCounts()]))
      const dayOf = dayFormat(timeZone)
      for (const r of rows) {
        const c = counts.get(dayOf(r.requestedAt))
        if (c !== undefined) c[r.outcome]++
      }
      return keys.map(day => ({ day, counts: counts.get(day)! }))
    },
    bootTimes (server, sinceMs) {
      return bootStats(selectBoots.all(server, sinceMs, MAX_WAKES).map(r => r.ms))
    },
    recentWakes: (server, limit) => selectWakes.all(server, limit),
    recentShutdowns: (server, limit) => selectShutdowns.all(server, limit),
    events (query, limit) {
      const { where, params } = filters(query)
      if (query.beforeId !== undefined) {
        const at = selectEventAt.get(query.beforeId)?.at
        if (at === undefined) return [] // pruned since the page was drawn: start again from the newest
        where.push('(at, id) < (?, ?)')
        params.push(at, query.beforeId)
      }
      const sql = `SELECT ${eventColumns} FROM events ${whereClause(where)} ORDER BY at DESC, id DESC LIMIT ?`
      return prepared(sql).all(...params, limit).map(toEvent)
    },
    eventsAfter (afterId, query, limit) {
      // new rows are few: walk the rowid from afterId, the unary + keeps SQLite off the other indexes
      const { where, params } = filters(query, '+')
      const sql = `SELECT ${eventColumns} FROM events ${whereClause(['id > ?', ...where])} ORDER BY id LIMIT ?`
      return prepared(sql).all(afterId, ...params, limit).map(toEvent)
    }
  }
}

function filters (q: Omit<EventQuery, 'beforeId'>, prefix = ''): { where: string[], params: unknown[] } {
  const where: string[] = []
  const params: unknown[] = []
  if (q.server !== undefined) { where.push(`${prefix}server = ?`); params.push(q.server) }
  if (q.kind !== undefined) { where.push(`${prefix}kind = ?`); params.push(q.kind) }
  if (q.level !== undefined) { where.push(`${prefix}level = ?`); params.push(q.level) }
  if (q.sinceMs !== undefined) { where.push(`${prefix}at >= ?`); params.push(q.sinceMs) }
  return { where, params }
}

function whereClause (where: string[]): string {
  return where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
}

function toEvent (r: EventRow): EventRecord {
  return { ...r, details: parseDetails(r.details) }
}

// details is JSON text Hall wrote; a row damaged or edited by hand shows as its raw text
function parseDetails (text: string | null): unknown {
  if (text === null) return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** Cuts [fromMs, toMs) at each transition (oldest first), starting in `startPhase`. */
export function segmentsOf (startPhase: string, transitions: readonly Transition[], fromMs: number, toMs: number): PhaseSegment[] {
  const segments: PhaseSegment[] = []
  let phase = startPhase
  let from = fromMs
  for (const t of transitions) {
    const at = Math.min(Math.max(t.at, fromMs), toMs)
    if (at > from) segments.push({ phase, from, to: at })
    phase = t.to
    from = at
  }
  if (toMs > from) segments.push({ phase, from, to: toMs })
  // two transitions to the same phase (a restart re-reading its state) make one stretch
  return segments.reduce<PhaseSegment[]>((merged, s) => {
    const last = merged.at(-1)
    if (last?.phase === s.phase && last.to === s.from) merged[merged.length - 1] = { ...last, to: s.to }
    else merged.push(s)
    return merged
  }, [])
}

/**
 * Median as the waiting page's estimate takes it (the upper middle: lifecycle/policy.ts), and
 * the 95th percentile by nearest rank: the smallest time at least 95 % of boots did not exceed.
 */
export function bootStats (samplesMs: readonly number[]): BootTimes {
  const sorted = [...samplesMs].sort((a, b) => a - b)
  const n = sorted.length
  return {
    count: n,
    medianMs: n === 0 ? null : sorted[Math.floor(n / 2)]!,
    p95Ms: n === 0 ? null : sorted[Math.ceil(0.95 * n) - 1]!,
    samplesMs: sorted
  }
}

/** `YYYY-MM-DD` of `at` in `timeZone`. */
export function dayFormat (timeZone: string): (at: number) => string {
  // en-CA writes dates as YYYY-MM-DD
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
  return (at) => format.format(at)
}

/** The last `days` local dates up to the one holding `nowMs`, oldest first. */
export function localDays (days: number, nowMs: number, timeZone: string): string[] {
  const dayOf = dayFormat(timeZone)
  const keys: string[] = []
  // hourly steps find every local date, whatever the DST changes in between
  for (let at = nowMs - days * 25 * 3600_000; at <= nowMs; at += 3600_000) {
    const key = dayOf(at)
    if (keys.at(-1) !== key) keys.push(key)
  }
  const today = dayOf(nowMs)
  if (keys.at(-1) !== today) keys.push(today)
  return keys.slice(-days)
}

function zeroCounts (): Record<WakeOutcome, number> {
  return Object.fromEntries(wakeOutcomes.map(o => [o, 0])) as Record<WakeOutcome, number>
}
