/** What /forward-auth answered: the decision's kind, the refusal of a proxy Hall does not trust, or a client project's gate (login, forbidden). */
export const forwardAuthOutcomes = ['pass', 'redirect', 'unavailable', 'unknown-domain', 'no-host', 'untrusted', 'login', 'forbidden'] as const
export type ForwardAuthOutcome = typeof forwardAuthOutcomes[number]

/** Outcomes with no configured domain: their host is whatever the client sent, never a label. */
const NO_DOMAIN = ''

/**
 * Forward-auth answers counted per domain and outcome with a plain array increment: this runs on
 * every proxied request, where prom-client's inc() with labels would hash the label set each time.
 * The metrics route reads the counts when Prometheus scrapes (hall-metrics.ts).
 */
export interface ForwardAuthCounts {
  count (domain: string | null, outcome: ForwardAuthOutcome): void
  /** Every count so far, per domain ("" for answers without a configured domain). */
  entries (): IterableIterator<[string, readonly number[]]>
}

const outcomeIndex = new Map<ForwardAuthOutcome, number>(forwardAuthOutcomes.map((o, i) => [o, i]))

export function createForwardAuthCounts (): ForwardAuthCounts {
  const byDomain = new Map<string, number[]>()
  return {
    count (domain, outcome) {
      const key = domain ?? NO_DOMAIN
      let counts = byDomain.get(key)
      if (counts === undefined) {
        counts = forwardAuthOutcomes.map(() => 0)
        byDomain.set(key, counts)
      }
      counts[outcomeIndex.get(outcome)!]!++
    },
    entries: () => byDomain.entries()
  }
}
