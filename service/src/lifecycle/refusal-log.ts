/** Refused wakes are recorded per domain and reason at most this often, with their count. */
export const REFUSAL_RECORD_EVERY_MS = 60_000

export interface RefusalSummary { readonly domain: string, readonly reason: string, readonly count: number }

/**
 * Counts wakes refused on the request path (crawlers, monitors, non-browser requests...) in
 * memory; `due` hands out one summary per domain and reason per minute, so a crawler hammering a
 * sleeping domain costs one event row a minute, not one per request.
 */
export function createRefusalLog () {
  const counts = new Map<string, number>()
  const lastRecorded = new Map<string, number>()
  return {
    note (domain: string, reason: string): void {
      const key = `${domain}\n${reason}`
      counts.set(key, (counts.get(key) ?? 0) + 1)
    },
    due (now: number): RefusalSummary[] {
      const out: RefusalSummary[] = []
      for (const [key, count] of counts) {
        const last = lastRecorded.get(key)
        if (last !== undefined && now - last < REFUSAL_RECORD_EVERY_MS) continue
        const [domain = '', reason = ''] = key.split('\n')
        out.push({ domain, reason, count })
        counts.delete(key)
        lastRecorded.set(key, now)
      }
      // keys not seen for a while are forgotten: the map stays as small as the set of active domains
      for (const [key, at] of lastRecorded) if (now - at >= REFUSAL_RECORD_EVERY_MS && !counts.has(key)) lastRecorded.delete(key)
      return out
    }
  }
}
