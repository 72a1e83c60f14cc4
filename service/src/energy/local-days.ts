import type { Span } from './timeline.js'

/** One calendar day in a time zone: 23, 24 or 25 hours long across a DST change. */
export interface LocalDay extends Span { readonly date: string }

const DAY_MS = 86_400_000

/** The local days that overlap `period`, each clipped to it: the per-day chart's columns. */
export function localDays (period: Span, timeZone: string): LocalDay[] {
  const days: LocalDay[] = []
  if (period.to <= period.from) return days
  let date = Math.floor(wallAt(timeZone, period.from) / DAY_MS) * DAY_MS // the local date, as UTC midnight
  for (let start = midnight(timeZone, date); start < period.to; date += DAY_MS) {
    const end = midnight(timeZone, date + DAY_MS)
    const from = Math.max(start, period.from)
    const to = Math.min(end, period.to)
    if (to > from) days.push({ date: new Date(date).toISOString().slice(0, 10), from, to })
    start = end
  }
  return days
}

/** The instant local midnight starts the date `utcDate` (UTC midnight of the same calendar date). */
function midnight (timeZone: string, utcDate: number): number {
  const first = utcDate - offset(timeZone, utcDate)
  // the offset at the guess may differ from the offset at midnight itself (a DST change near it)
  const second = utcDate - offset(timeZone, first)
  return second
}

function offset (timeZone: string, at: number): number {
  return wallAt(timeZone, at) - Math.floor(at / 1000) * 1000
}

/** The local wall clock at `at`, as if it were UTC: the trick behind both functions above. */
function wallAt (timeZone: string, at: number): number {
  const f: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(at)) if (p.type !== 'literal') f[p.type] = Number(p.value)
  // some ICU versions print midnight as hour 24
  return Date.UTC(f.year!, f.month! - 1, f.day!, f.hour! % 24, f.minute!, f.second!)
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter (timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    formatters.set(timeZone, f)
  }
  return f
}
