import type { Phase } from '../ports/phases.js'

/** A span of time, [from, to) in epoch ms. */
export interface Span { readonly from: number, readonly to: number }
/** A recorded change of phase, as the transitions table holds it. */
export interface PhaseChange { readonly from: Phase, readonly to: Phase, readonly at: number }
/** Where a server was during [from, to); UNKNOWN covers the time Hall did not know. */
export interface PhaseSpan extends Span { readonly phase: Phase }

/**
 * The server's phase over `period`, from its transitions and the runs of Hall (`hallUp`).
 *
 * Outside every run the phase is UNKNOWN: Hall was down (or not yet recording its runs) and no
 * one can say. Inside a run, the phase at t is the `to` of the last transition of that run at or
 * before t; before the run's first transition it is that transition's `from` (what the restart
 * restored: UNKNOWN until the first probe, or the phase a wake or shutdown in flight resumed);
 * a run without any transition keeps the phase the previous run ended in (restore carries only
 * a serving phase or a wake or shutdown in flight, and anything else would have been probed and
 * recorded within seconds). `transitions` must hold, oldest first, every transition up to the
 * period's end, or at least those from the last one before the period's first run on.
 */
export function phaseSpans (transitions: readonly PhaseChange[], hallUp: readonly Span[], period: Span): PhaseSpan[] {
  const spans: PhaseSpan[] = []
  const push = (from: number, to: number, phase: Phase): void => {
    if (to <= from) return
    const last = spans.at(-1)
    if (last !== undefined && last.phase === phase && last.to === from) spans[spans.length - 1] = { from: last.from, to, phase }
    else spans.push({ from, to, phase })
  }
  let cursor = period.from
  for (const run of mergedRuns(hallUp)) {
    const start = Math.max(run.from, period.from)
    const end = Math.min(run.to, period.to)
    if (end <= start) continue
    push(cursor, start, 'UNKNOWN')
    const inRun = transitions.filter(t => t.at >= run.from && t.at <= run.to)
    const before = transitions.filter(t => t.at < run.from).at(-1)
    // the phase from the run's start to its first transition
    let phase: Phase = inRun[0]?.from ?? before?.to ?? 'UNKNOWN'
    let at = start
    for (const t of inRun) {
      if (t.at > at) {
        push(at, Math.min(t.at, end), phase)
        at = Math.min(t.at, end)
      }
      phase = t.to
    }
    push(at, end, phase)
    cursor = end
  }
  push(cursor, period.to, 'UNKNOWN')
  return spans
}

/** Runs sorted and merged where they overlap or touch (two Hall processes at once, a restart in the same ms). */
export function mergedRuns (runs: readonly Span[]): Span[] {
  const sorted = [...runs].sort((a, b) => a.from - b.from)
  const merged: Span[] = []
  for (const r of sorted) {
    const last = merged.at(-1)
    if (last !== undefined && r.from <= last.to) merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, r.to) }
    else merged.push({ from: r.from, to: r.to })
  }
  return merged
}

/** The part of each span inside [from, to), the empty ones left out. */
export function clip<T extends Span> (spans: readonly T[], from: number, to: number): T[] {
  const out: T[] = []
  for (const s of spans) {
    const a = Math.max(s.from, from)
    const b = Math.min(s.to, to)
    if (b > a) out.push({ ...s, from: a, to: b })
  }
  return out
}
