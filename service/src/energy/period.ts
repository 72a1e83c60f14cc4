import { localDays } from './local-days.js'
import type { Span } from './timeline.js'

export type PeriodName = 'today' | '7d' | '30d'

const DAY_MS = 86_400_000
/**
 * Hall keeps 90 days of history, so a longer period would only add UNKNOWN days; the cap also
 * bounds what one report costs the event loop that answers forward-auth (a day is a row).
 */
export const MAX_PERIOD_DAYS = 92

/**
 * The period a report covers: `from`/`to` (ISO 8601 instants or dates, a date being its UTC
 * midnight) win over a named period; `today` starts at local midnight in `timeZone`; 7d and 30d
 * end now. The end is never after `now`: time to come is not time saved. Returns a message when
 * the input cannot be read.
 */
export function resolvePeriod (input: { from?: string, to?: string, period?: PeriodName }, now: number, timeZone: string): Span | string {
  const to = input.to === undefined ? now : Date.parse(input.to)
  if (Number.isNaN(to)) return `"to" is not a date: ${JSON.stringify(input.to)} (use ISO 8601, such as 2026-03-30T00:00:00Z)`
  let from: number
  if (input.from !== undefined) {
    from = Date.parse(input.from)
    if (Number.isNaN(from)) return `"from" is not a date: ${JSON.stringify(input.from)} (use ISO 8601, such as 2026-03-28T00:00:00Z)`
  } else if (input.period === 'today') {
    from = localDayStart(now, timeZone)
  } else {
    from = to - (input.period === '30d' ? 30 : 7) * DAY_MS
  }
  const end = Math.min(to, now)
  if (end <= from) return '"from" must come before "to" (and before now)'
  if (end - from > MAX_PERIOD_DAYS * DAY_MS) return `the period may be at most ${MAX_PERIOD_DAYS} days long (Hall keeps 90 days of history)`
  return { from, to: end }
}

/** Local midnight of the day containing `at`. */
function localDayStart (at: number, timeZone: string): number {
  // the local day containing `at`, found among those of the day before and after
  const days = localDays({ from: at - DAY_MS, to: at + DAY_MS }, timeZone)
  return days.find(d => d.from <= at && at < d.to)?.from ?? at
}
