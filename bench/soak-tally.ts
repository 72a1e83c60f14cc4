/** What the soak's clients saw: counts per kind of request, wrong answers, forward-auth latencies. */

export type TrafficKind = 'forward-auth' | 'status' | 'domain-status' | 'waiting-page' | 'sse' | 'reload'

const MAX_EXAMPLES = 12

export interface Tally {
  readonly counts: Record<TrafficKind, number>
  readonly failuresByKind: Record<TrafficKind, number>
  /** The first few wrong answers, word for word. */
  readonly examples: string[]
  /** Every forward-auth round trip of the run, in ms. */
  readonly forwardAuthMs: number[]
  /** Round trips since the last takeWindow(). */
  window: number[]
  sseEvents: number
  count (kind: TrafficKind): void
  fail (kind: TrafficKind, problem: string): void
  forwardAuthLatency (ms: number): void
  /** Returns and clears the window's latencies. */
  takeWindow (): number[]
  failures (): number
}

const kinds: TrafficKind[] = ['forward-auth', 'status', 'domain-status', 'waiting-page', 'sse', 'reload']

export function createTally (): Tally {
  const zero = (): Record<TrafficKind, number> => Object.fromEntries(kinds.map(k => [k, 0])) as Record<TrafficKind, number>
  const tally: Tally = {
    counts: zero(),
    failuresByKind: zero(),
    examples: [],
    forwardAuthMs: [],
    window: [],
    sseEvents: 0,
    count (kind) { tally.counts[kind]++ },
    fail (kind, problem) {
      tally.failuresByKind[kind]++
      if (tally.examples.length < MAX_EXAMPLES) tally.examples.push(`${new Date().toISOString()} ${kind}: ${problem}`)
    },
    forwardAuthLatency (ms) {
      tally.forwardAuthMs.push(ms)
      tally.window.push(ms)
    },
    takeWindow () {
      const taken = tally.window
      tally.window = []
      return taken
    },
    failures: () => kinds.reduce((n, k) => n + tally.failuresByKind[k], 0)
  }
  return tally
}

/** Nearest-rank percentile; NaN for no values. */
export function percentile (values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = Float64Array.from(values).sort()
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
