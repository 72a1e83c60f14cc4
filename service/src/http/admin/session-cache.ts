import { createHash, randomBytes } from 'node:crypto'
import type { Clock, Timer } from '../../clock.js'
import type { SessionRecord, SessionScope, Sessions } from '../../store/index.js'
import { boundedMemo } from '../bounded-memo.js'
import type { AdminAccount } from './session-types.js'

export const IDLE_TIMEOUT_MS = 30 * 60_000
export const ABSOLUTE_TIMEOUT_MS = 8 * 3600_000
/** The idle clock runs in memory; the database hears of it at most this often per session. */
export const SEEN_WRITE_EVERY_MS = 60_000
const SWEEP_EVERY_MS = 60_000
/** How soon a change made in a shell (`hall user passwd`, `hall user remove`) ends the sessions it should. */
export const OUTSIDE_CHANGE_CHECK_MS = 2_000

export interface LiveSession {
  readonly idHash: string
  readonly userId: number
  readonly account: AdminAccount
  readonly createdAt: number
  readonly address: string
  /** Where it was opened: an admin session never passes a project's gate as a portal one, nor the reverse. */
  readonly scope: SessionScope
  lastSeenAt: number
  writtenSeenAt: number
}

export interface SessionCacheDeps {
  readonly sessions: Sessions
  /** Writes still waiting for the database: a reload then would forget sessions not yet written. */
  readonly pendingWrites: () => number
  readonly clock: Clock
}

/**
 * The admin's sessions, checked from memory on every request (never a query) and kept in step
 * with the `sessions` table: loaded at start; login, logout, expiry and password changes update
 * both. Changes another process commits (the CLI) are noticed through SQLite's data_version.
 */
export interface SessionCache {
  /** A new session with a new random id; the id is returned for the cookie and kept nowhere else. */
  open (user: { readonly id: number, readonly name: string, readonly role: AdminAccount['role'] }, address: string, scope: SessionScope): { id: string, session: LiveSession }
  /** The session of this scope behind a cookie's id, its idle time restarted; null when unknown, of the other scope or expired (and then ended). */
  check (id: string, scope: SessionScope): LiveSession | null
  /** Whether the session (an id hash) still stands: read only, its idle time is not restarted (an open stream is not activity). */
  isLive (idHash: string): boolean
  /** Logout: the session ends here and in the table. */
  end (id: string): LiveSession | null
  /** Every session of an account (password changed, account removed) but `keep` (an id hash); returns how many ended. */
  endForUser (userId: number, keep?: string | null): number
  size (): number
  stop (): void
}

export function isExpired (s: Pick<LiveSession, 'createdAt' | 'lastSeenAt'>, now: number): boolean {
  return now - s.lastSeenAt >= IDLE_TIMEOUT_MS || now - s.createdAt >= ABSOLUTE_TIMEOUT_MS
}

/** The table keeps only this: a stolen copy of the database opens no session. */
export function hashSessionId (id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex')
}

/** A cookie is 43 characters: longer is no id of ours, and is never kept by the memo below. */
const MAX_SESSION_ID_LENGTH = 64
/**
 * The forward-auth gate of a members project checks the same few cookies on every request: each
 * is hashed once. Bounded: a flood of made-up cookies cannot grow it (bounded-memo.ts).
 */
const hashKnownId = boundedMemo(4096, hashSessionId)

export function createSessionCache ({ sessions, pendingWrites, clock }: SessionCacheDeps): SessionCache {
  const live = new Map<string, LiveSession>()
  let mark = sessions.changeMark()
  load()
  sweep()
  const timers = new Map<string, Timer>()
  let stopped = false
  repeat('sweep', SWEEP_EVERY_MS, sweep)
  repeat('outside changes', OUTSIDE_CHANGE_CHECK_MS, reloadIfChangedElsewhere)

  function repeat (name: string, ms: number, fn: () => void): void {
    if (stopped) return
    const timer = clock.setTimeout(() => { fn(); repeat(name, ms, fn) }, ms)
    timer.unref?.()
    timers.set(name, timer)
  }

  function load (): void {
    const before = new Map(live)
    live.clear()
    for (const row of sessions.all()) live.set(row.idHash, fromRow(row, before.get(row.idHash)))
  }

  function sweep (): void {
    const now = clock.now()
    let ended = 0
    for (const [idHash, s] of live) if (isExpired(s, now)) { live.delete(idHash); ended++ }
    // one statement for all of them (rows loaded expired at start included), the same bounds as isExpired
    if (ended > 0) sessions.removeExpired(now - IDLE_TIMEOUT_MS, now - ABSOLUTE_TIMEOUT_MS)
  }

  function reloadIfChangedElsewhere (): void {
    const now = sessions.changeMark()
    if (now === mark || pendingWrites() > 0) return // our own queued writes first; next round
    mark = now
    load()
  }

  return {
    open (user, address, scope) {
      const id = randomBytes(32).toString('base64url') // 256 bits
      const now = clock.now()
      const session: LiveSession = { idHash: hashSessionId(id), userId: user.id, account: { name: user.name, role: user.role }, createdAt: now, address, scope, lastSeenAt: now, writtenSeenAt: now }
      live.set(session.idHash, session)
      sessions.insert({ idHash: session.idHash, userId: user.id, createdAt: now, address, scope })
      return { id, session }
    },
    check (id, scope) {
      if (id.length > MAX_SESSION_ID_LENGTH) return null
      const idHash = hashKnownId(id)
      const session = live.get(idHash)
      if (session === undefined || session.scope !== scope) return null
      const now = clock.now()
      // check() answers the members projects' gate on the forward-auth path: its writes run on the
      // next turn of the event loop, beside the request, never before its answer
      if (isExpired(session, now)) {
        live.delete(idHash)
        clock.setImmediate(() => sessions.remove(idHash))
        return null
      }
      session.lastSeenAt = now
      if (now - session.writtenSeenAt >= SEEN_WRITE_EVERY_MS) {
        session.writtenSeenAt = now
        clock.setImmediate(() => sessions.touch(idHash, now))
      }
      return session
    },
    isLive (idHash) {
      const session = live.get(idHash)
      return session !== undefined && !isExpired(session, clock.now())
    },
    end (id) {
      const idHash = hashSessionId(id)
      const session = live.get(idHash) ?? null
      live.delete(idHash)
      sessions.remove(idHash)
      return session
    },
    endForUser (userId, keep = null) {
      let ended = 0
      for (const [idHash, s] of live) if (s.userId === userId && idHash !== keep) { live.delete(idHash); ended++ }
      if (keep === null || !live.has(keep)) sessions.removeForUser(userId)
      else sessions.removeForUserBut(userId, keep)
      return ended
    },
    size: () => live.size,
    stop () {
      stopped = true
      for (const timer of timers.values()) clock.clearTimeout(timer)
    }
  }
}

function fromRow (row: SessionRecord, known: LiveSession | undefined): LiveSession {
  // memory may be ahead of the table by up to SEEN_WRITE_EVERY_MS: keep the later time
  const lastSeenAt = Math.max(row.lastSeenAt, known?.lastSeenAt ?? 0)
  return { idHash: row.idHash, userId: row.userId, account: { name: row.name, role: row.role }, createdAt: row.createdAt, address: row.address, scope: row.scope, lastSeenAt, writtenSeenAt: row.lastSeenAt }
}
