import type { ServerState } from './states.js'
import { beginShutdown } from './shutdown-steps.js'
import { stay, to, type Effect, type LifecycleRules, type Step } from './steps.js'
import { startWake } from './wake-steps.js'

/** A running server with no traffic for this long is shown IDLE (half the idle delay when that is shorter). */
export const IDLE_AFTER_MS = 5 * 60_000

export function idleAfterMs (idleShutdownMs: number): number {
  return Math.min(IDLE_AFTER_MS, idleShutdownMs / 2)
}

/** The policy's clock: schedule and watchdog wakes, pending wakes after a pause, idle and shutdown. */
export function onTick (s: ServerState, wantUp: boolean, mayIdle: boolean, rules: LifecycleRules, now: number): Step {
  switch (s.phase) {
    case 'OFFLINE': {
      if (s.retryNotBefore !== null && now < s.retryNotBefore) return stay(s)
      if (s.pendingWake !== null) return startWake(s, s.pendingWake, true, rules, now, `wake requested (${s.pendingWake})`)
      if (!wantUp || (s.autoWakeNotBefore !== null && now < s.autoWakeNotBefore)) return stay(s)
      return rules.policy === 'always_on'
        ? startWake(s, 'watchdog', true, rules, now, 'always on, found off: waking it (watchdog)')
        : startWake(s, 'schedule', true, rules, now, 'schedule window opening')
    }
    case 'UNKNOWN':
      // the first probe decides; if the server is off then, it is woken at once
      return wantUp && s.pendingWake === null ? stay({ ...s, pendingWake: rules.policy === 'always_on' ? 'watchdog' : 'schedule' }) : stay(s)
    case 'RUNNING':
    case 'IDLE':
      return idleStep(s, mayIdle, rules, now)
    default:
      return stay(s)
  }
}

function idleStep (s: ServerState, mayIdle: boolean, rules: LifecycleRules, now: number): Step {
  if (s.shutdown !== null) return stay(s)
  if (!mayIdle || rules.idleShutdownMs === null) return s.phase === 'IDLE' ? to(s, 'RUNNING', now, 'kept up by its policy') : stay(s)
  const quietMs = now - (s.idleFrom ?? s.since)
  if (quietMs >= rules.idleShutdownMs && rules.canShutdown && !s.shutdownSuspended) {
    return beginShutdown(s, 'idle', rules.hasBusyCheck, now, `no activity for ${Math.round(quietMs / 60_000)} min`)
  }
  if (s.phase === 'RUNNING' && quietMs >= idleAfterMs(rules.idleShutdownMs)) return to(s, 'IDLE', now, 'no activity')
  return stay(s)
}

/** Traffic keeps a server awake: it resets the countdown, and takes back a shutdown not yet sent. */
export function onActivity (s: ServerState, at: number, now: number): Step {
  if (s.lastActivityAt !== null && s.lastActivityAt >= at) return stay(s)
  const active = { ...s, lastActivityAt: at, idleFrom: Math.max(s.idleFrom ?? at, at) }
  const cancelled: Effect[] = []
  if (s.shutdown?.stage === 'checking') {
    active.shutdown = null
    cancelled.push({ kind: 'shutdown-finished', outcome: 'cancelled', error: { code: 'HALL_ERR_SHUTDOWN_CANCELLED', message: 'traffic arrived during the busy check' } })
  }
  if (s.phase === 'IDLE') return to(active, 'RUNNING', now, 'traffic resumed', cancelled)
  return stay(active, cancelled)
}
