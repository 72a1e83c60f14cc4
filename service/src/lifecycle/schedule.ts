import type { ScheduleConfig, Weekday } from '../config/types.js'

/**
 * Schedule windows as instants: pure (epoch ms in, epoch ms out, no clock), time zones through Intl.
 * Wall-clock rule: a local time resolves to the earliest instant whose local clock reads that time
 * or later, so a time inside a spring-forward gap gives the end of the gap (02:30 -> 03:00), and a
 * time repeated by a fall-back gives its first occurrence, for openings and closings alike.
 */

/** A merged window: open from `openedAt` (inclusive) to `closesAt` (exclusive). */
export interface OpenWindow {
  /** `-Infinity` when the windows cover the whole week. */
  readonly openedAt: number
  /** `null` when the windows cover the whole week: it never closes (never a timer target). */
  readonly closesAt: number | null
}

/** The next instant the schedule opens or closes; `opening` says which. */
export interface ScheduleChange { readonly at: number, readonly opening: boolean }

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
// Day 0 of the epoch (1970-01-01) was a Thursday.
const WEEKDAYS: readonly Weekday[] = ['thu', 'fri', 'sat', 'sun', 'mon', 'tue', 'wed']
// Any window not covering the whole week is shorter than 7 days plus a DST shift; longer means always open.
const ALWAYS_OPEN_MS = 8 * DAY_MS
// Local days enumerated around `at`: a merged window lasts under 7 days and the next opening
// comes within 7 days, so 8 days back and 9 ahead cover every window that can matter.
const DAYS_BEFORE = 8
const DAYS_AFTER = 9

/** The merged window containing `at` (openedAt <= at < closesAt), or null when the schedule is closed. */
export function windowAt (schedule: ScheduleConfig, at: number): OpenWindow | null {
  const span = mergedSpans(schedule, at).find(s => s.start <= at && at < s.end)
  if (span === undefined) return null
  if (span.end - span.start > ALWAYS_OPEN_MS) return { openedAt: -Infinity, closesAt: null }
  return { openedAt: span.start, closesAt: span.end }
}

/** The first instant after `at` where a merged window opens; null when none ever does (no windows, or always open). */
export function nextOpening (schedule: ScheduleConfig, at: number): number | null {
  const spans = mergedSpans(schedule, at)
  if (spans.some(s => s.end - s.start > ALWAYS_OPEN_MS)) return null
  return spans.find(s => s.start > at)?.start ?? null
}

/** The next opening or closing after `at`, to arm a single timer; null when the schedule never changes. */
export function nextChange (schedule: ScheduleConfig, at: number): ScheduleChange | null {
  const open = windowAt(schedule, at)
  if (open !== null) return open.closesAt === null ? null : { at: open.closesAt, opening: false }
  const opening = nextOpening(schedule, at)
  return opening === null ? null : { at: opening, opening: true }
}

/** `at` as local ISO 8601 with its offset, for logs: `2026-03-29T03:00:00+02:00`. */
export function formatLocal (timezone: string, at: number): string {
  const wall = wallAt(timezone, at)
  const offsetMinutes = Math.round((wall - floorSecond(at)) / MINUTE_MS)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  const offset = `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  return `${new Date(wall).toISOString().slice(0, 19)}${offset}`
}

interface Span { readonly start: number, readonly end: number }

/** Every window occurrence on the local days around `at`, as instants, sorted and merged when they overlap or touch. */
function mergedSpans (schedule: ScheduleConfig, at: number): Span[] {
  const tz = schedule.timezone
  const today = Math.floor(wallAt(tz, at) / DAY_MS)
  const spans: Span[] = []
  for (let day = today - DAYS_BEFORE; day <= today + DAYS_AFTER; day++) {
    const weekday = WEEKDAYS[((day % 7) + 7) % 7]!
    for (const w of schedule.windows) {
      if (!w.days.includes(weekday)) continue
      // to <= from crosses midnight and belongs to the day it starts; from == to is a full 24 h
      const endDay = w.toMinute > w.fromMinute ? day : day + 1
      const start = instantOf(tz, day * DAY_MS + w.fromMinute * MINUTE_MS)
      const end = instantOf(tz, endDay * DAY_MS + w.toMinute * MINUTE_MS)
      // a window lying wholly inside a spring-forward gap does not happen that day
      if (end > start) spans.push({ start, end })
    }
  }
  spans.sort((a, b) => a.start - b.start)
  const merged: Span[] = []
  for (const s of spans) {
    const last = merged.at(-1)
    // touching windows merge too: no close between mon 08-12 and mon 12-19
    if (last !== undefined && s.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, s.end) }
    else merged.push(s)
  }
  return merged
}

/**
 * The instant of a local wall-clock time (given as if it were UTC ms): the earliest instant whose
 * local clock reads `wall` or later. Assumes at most one offset change within a day of `wall`.
 */
function instantOf (tz: string, wall: number): number {
  const before = offsetAt(tz, wall - DAY_MS)
  const after = offsetAt(tz, wall + DAY_MS)
  const exact = [wall - before, wall - after].filter(t => wallAt(tz, t) === wall)
  // fall-back: the time happens twice, take the first occurrence
  if (exact.length > 0) return Math.min(...exact)
  // spring-forward gap: the first instant on the new offset, where the local clock jumps past `wall`
  let lo = wall - after
  let hi = wall - before
  if (hi <= lo) return wall - before
  for (let i = 0; i < 64 && hi - lo > 1000; i++) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000
    if (offsetAt(tz, mid) === before) lo = mid
    else hi = mid
  }
  return hi
}

/** Local offset in ms at instant `at` (local = UTC + offset), to the second. */
function offsetAt (tz: string, at: number): number {
  return wallAt(tz, at) - floorSecond(at)
}

/** The local wall-clock time at instant `at`, to the second, expressed as UTC ms. */
function wallAt (tz: string, at: number): number {
  const f: Record<string, number> = {}
  for (const p of formatter(tz).formatToParts(at)) if (p.type !== 'literal') f[p.type] = Number(p.value)
  // some ICU versions print midnight as hour 24
  return Date.UTC(f.year!, f.month! - 1, f.day!, f.hour! % 24, f.minute!, f.second!)
}

// Building an Intl.DateTimeFormat costs far more than using one: one per time zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter (tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'
    })
    formatters.set(tz, f)
  }
  return f
}

function floorSecond (at: number): number { return Math.floor(at / 1000) * 1000 }
function pad (n: number): string { return String(n).padStart(2, '0') }
