/**
 * Forward-auth hits counted in memory: the request path only bumps a number. A timer beside it
 * flushes the counts to the store (per minute rows) at most once a second.
 */
export interface ActivityCounter {
  bump (domain: string): void
  /** A browser navigation: sent to the waiting page (`waited`), or passed straight through. */
  noteNavigation (domain: string, waited: boolean): void
  /** Returns the counts since the last drain and resets them. */
  drain (): Map<string, number>
  /** Returns the navigations since the last drain and resets them. */
  drainNavigations (): Map<string, { waited: number, passed: number }>
}

export function createActivityCounter (): ActivityCounter {
  let counts = new Map<string, number>()
  let navigations = new Map<string, { waited: number, passed: number }>()
  return {
    bump (domain) { counts.set(domain, (counts.get(domain) ?? 0) + 1) },
    noteNavigation (domain, waited) {
      let n = navigations.get(domain)
      if (n === undefined) navigations.set(domain, n = { waited: 0, passed: 0 })
      if (waited) n.waited++
      else n.passed++
    },
    drainNavigations () {
      const drained = navigations
      navigations = new Map()
      return drained
    },
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
