import type { ServerConfig } from '../config/types.js'
import { nextOpening, windowAt } from './schedule.js'

/** The supervisor's policy clock: often enough that a shutdown or a schedule wake is at most this late. */
export const TICK_MS = 10_000

/** Boot time assumed for a server Hall has never woken. */
export const DEFAULT_BOOT_MS = 60_000

export interface PolicyNow {
  /** The server should be running now (or be woken now to be running in time). */
  readonly wantUp: boolean
  /** Idle shutdown applies now. */
  readonly mayIdle: boolean
}

/**
 * What the server's policy asks for at `now`. A scheduled server is woken one boot time (plus a
 * tick) ahead of its window, so it is RUNNING when the window opens; outside windows it is on demand.
 */
export function policyAt (server: ServerConfig, now: number, expectedBootMs: number): PolicyNow {
  switch (server.policy) {
    case 'always_on':
      return { wantUp: true, mayIdle: false }
    case 'on_demand':
      return { wantUp: false, mayIdle: true }
    case 'scheduled': {
      if (server.schedule === null) return { wantUp: false, mayIdle: true }
      const open = windowAt(server.schedule, now) !== null
      const opening = open ? null : nextOpening(server.schedule, now)
      const soon = opening !== null && opening - now <= expectedBootMs + TICK_MS
      return { wantUp: open || soon, mayIdle: !open && !soon }
    }
  }
}

/** Recent boots the expected boot time is taken from. */
export const BOOT_HISTORY = 10

/** Median of recent request-to-RUNNING times (one slow boot, a disk check say, does not skew it); null without history. */
export function medianBootMs (durations: readonly number[]): number | null {
  if (durations.length === 0) return null
  const sorted = [...durations].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
