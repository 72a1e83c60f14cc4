import type { Clock } from '../../clock.js'

export const MAX_FAILURES = 5
export const FAILURE_WINDOW_MS = 10 * 60_000
export const LOCK_MS = 15 * 60_000
/** Keys remembered at most (accounts tried and client addresses): a flood cannot grow the map without end. */
const MAX_KEYS = 10_000

export type LockScope = 'account' | 'address'

interface Entry { failures: number[], lockedUntil: number | null }

/**
 * Failed logins counted per account name tried and per client address: after MAX_FAILURES within
 * FAILURE_WINDOW_MS, that account (or address) is locked for LOCK_MS, and the lock lifts by itself
 * (only the clock is read; nothing needs to run). In memory: a restart forgets the counts.
 */
export interface LoginLimits {
  /** When the later of the two locks lifts, or null when neither holds. */
  lockedUntil (account: string, address: string): number | null
  /** Counts one failure for both; returns the scopes this failure has just locked. */
  fail (account: string, address: string): LockScope[]
  /** A good password clears the account's count (not the address's: it may be trying many names). */
  succeed (account: string): void
}

export function createLoginLimits (clock: Clock): LoginLimits {
  const entries = new Map<string, Entry>()
  // names compare without case, as the accounts table does
  const keyOf = (scope: LockScope, value: string): string => `${scope} ${scope === 'account' ? value.toLowerCase() : value}`

  function current (key: string, now: number): Entry | undefined {
    const e = entries.get(key)
    if (e === undefined) return undefined
    if (e.lockedUntil !== null && now >= e.lockedUntil) {
      entries.delete(key) // lifted: the count starts again from nothing
      return undefined
    }
    e.failures = e.failures.filter(at => now - at < FAILURE_WINDOW_MS)
    return e
  }

  function makeRoom (now: number): void {
    if (entries.size < MAX_KEYS) return
    for (const key of [...entries.keys()]) current(key, now)
    for (const [key, e] of entries) if (e.lockedUntil === null && e.failures.length === 0) entries.delete(key)
    // still nearly full of live counts: forget the oldest tenth at once (not one per new key,
    // which would scan the whole map on every failure), never a lock
    for (const [key, e] of entries) {
      if (entries.size < MAX_KEYS * 0.9) break
      if (e.lockedUntil === null) entries.delete(key)
    }
  }

  return {
    lockedUntil (account, address) {
      const now = clock.now()
      const until = [keyOf('account', account), keyOf('address', address)]
        .map(key => current(key, now)?.lockedUntil ?? null)
        .filter((t): t is number => t !== null)
      return until.length === 0 ? null : Math.max(...until)
    },
    fail (account, address) {
      const now = clock.now()
      const locked: LockScope[] = []
      for (const [scope, value] of [['account', account], ['address', address]] as const) {
        const key = keyOf(scope, value)
        let e = current(key, now)
        if (e === undefined) {
          makeRoom(now)
          e = { failures: [], lockedUntil: null }
          entries.set(key, e)
        }
        if (e.lockedUntil !== null) continue
        e.failures.push(now)
        if (e.failures.length >= MAX_FAILURES) {
          e.lockedUntil = now + LOCK_MS
          locked.push(scope)
        }
      }
      return locked
    },
    succeed (account) {
      entries.delete(keyOf('account', account))
    }
  }
}
