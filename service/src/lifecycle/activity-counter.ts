/**
 * Forward-auth hits counted in memory: the request path only bumps a number. A timer beside it
 * flushes the counts to the store (per minute rows) at most once a second.
 */
export interface ActivityCounter {
  bump (domain: string): void
  /** Returns the counts since the last drain and resets them. */
  drain (): Map<string, number>
}

export function createActivityCounter (): ActivityCounter {
  let counts = new Map<string, number>()
  return {
    bump (domain) { counts.set(domain, (counts.get(domain) ?? 0) + 1) },
    drain () {
      const drained = counts
      counts = new Map()
      return drained
    }
  }
}

export function minuteOf (at: number): number {
  return at - (at % 60_000)
}
