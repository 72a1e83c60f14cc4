import type { ScheduleConfig } from '../config/types.js'
import { nextChange, windowAt } from '../lifecycle/schedule.js'
import { wakeOutcomes, type WakeOutcome, type WakeTrigger } from '../ports/power-records.js'
import { clip, type PhaseSpan, type Span } from './timeline.js'

/** A wake as the report needs it. */
export interface WakeFact { readonly trigger: WakeTrigger, readonly outcome: WakeOutcome, readonly requestedAt: number, readonly runningAt: number | null }

export interface WakeStats { by_outcome: Record<WakeOutcome, number>, median_ms: number | null, p95_ms: number | null }

const serving = (s: PhaseSpan): boolean => s.phase === 'RUNNING' || s.phase === 'IDLE'
const known = (s: PhaseSpan): boolean => s.phase !== 'UNKNOWN'
const hoursOf = (spans: readonly Span[]): number => spans.reduce((sum, s) => sum + s.to - s.from, 0) / 3_600_000

/**
 * The share of time a server served (RUNNING or IDLE): for always_on, of the known time; for
 * scheduled, of the known time inside its windows; on_demand has no promise to keep (null).
 */
export function servingShare (policy: 'always_on' | 'scheduled' | 'on_demand', schedule: ScheduleConfig | null, spans: readonly PhaseSpan[], period: Span) {
  let considered: PhaseSpan[] = spans.filter(known)
  if (policy === 'scheduled' && schedule !== null) considered = scheduleWindows(schedule, period).flatMap(w => clip(considered, w.from, w.to))
  const hoursConsidered = hoursOf(considered)
  const hoursServing = hoursOf(considered.filter(serving))
  const applies = policy !== 'on_demand' && hoursConsidered > 0
  return { share_serving: applies ? hoursServing / hoursConsidered : null, hours_considered: hoursConsidered, hours_serving: hoursServing }
}

/** The schedule's open windows within `period`, from schedule.ts's own openings and closings. */
export function scheduleWindows (schedule: ScheduleConfig, period: Span): Span[] {
  const windows: Span[] = []
  let at = period.from
  let open = windowAt(schedule, at) !== null
  // bounded: a window opens and closes at most a few times a day
  for (let i = 0; i < 10_000 && at < period.to; i++) {
    const change = nextChange(schedule, at)
    const until = Math.min(change?.at ?? period.to, period.to)
    if (open) windows.push({ from: at, to: until })
    if (change === null) break
    at = change.at
    open = change.opening
  }
  return windows
}

/** Wakes requested in the period by outcome, and request-to-RUNNING times of Hall's own that got there. */
export function wakeStats (wakes: readonly WakeFact[], period: Span): WakeStats {
  const byOutcome = Object.fromEntries(wakeOutcomes.map(o => [o, 0])) as Record<WakeOutcome, number>
  const durations: number[] = []
  for (const w of wakes) {
    if (w.requestedAt < period.from || w.requestedAt >= period.to) continue
    byOutcome[w.outcome]++
    // an external boot's "request" is when Hall noticed it: not a wait anyone had
    if (w.outcome === 'running' && w.runningAt !== null && w.trigger !== 'external') durations.push(w.runningAt - w.requestedAt)
  }
  durations.sort((a, b) => a - b)
  return { by_outcome: byOutcome, median_ms: percentile(durations, 0.5), p95_ms: percentile(durations, 0.95) }
}

/** Nearest rank: the smallest value with at least `p` of them at or below it (a time someone really waited). */
export function percentile (sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!
}
