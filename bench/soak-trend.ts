import { median } from './bench-report.js'

/**
 * Does a figure keep growing? The first third of a run is warm-up (JIT, heap sizing, connection
 * pools); a leak shows as the last third sitting above the middle third. Medians, so one GC or
 * one burst does not decide.
 */

export interface Tolerance {
  /** Growth allowed as a share of the middle third's median... */
  readonly relative: number
  /** ...or this much, whichever is larger (in the series' own unit). */
  readonly absolute: number
}

export interface Trend {
  readonly start: number
  readonly end: number
  readonly middle: number
  readonly last: number
  readonly allowed: number
  readonly grows: boolean
}

export function trendOf (series: readonly number[], tolerance: Tolerance): Trend | null {
  const values = series.filter(Number.isFinite)
  if (values.length < 6) return null // fewer than two samples per third says nothing
  const third = Math.floor(values.length / 3)
  const middle = median(values.slice(third, 2 * third))
  const last = median(values.slice(values.length - third))
  const allowed = Math.max(tolerance.absolute, Math.abs(middle) * tolerance.relative)
  return { start: values[0]!, end: values[values.length - 1]!, middle, last, allowed, grows: last - middle > allowed }
}
