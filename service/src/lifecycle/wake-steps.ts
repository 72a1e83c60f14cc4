import type { WakeTrigger } from '../ports/power-records.js'
import type { ServerState, WakeInFlight } from './states.js'
import { stay, to, type Effect, type LifecycleRules, type Step } from './steps.js'

/** After a wake could not be sent (relay down, wrong host key), requests wait this long before retrying. */
export const WAKE_RETRY_COOLDOWN_MS = 10_000
/** After a watchdog or schedule wake failed, the next automatic one waits this long: no wake loop. */
export const AUTO_WAKE_RETRY_MS = 5 * 60_000

export function onWakeRequested (s: ServerState, trigger: WakeTrigger, rules: LifecycleRules, now: number): Step {
  // someone wants the server while its busy check runs: the shutdown not yet sent is given up
  if (s.shutdown?.stage === 'checking') {
    return stay({ ...s, shutdown: null, idleFrom: now }, [{ kind: 'shutdown-finished', outcome: 'cancelled', error: { code: 'HALL_ERR_SHUTDOWN_CANCELLED', message: `a wake was asked for (${trigger})` } }])
  }
  // not known to be off yet (first probe pending, host half up, shutting down): remember the
  // request, and wake as soon as the server is seen off
  if (s.phase === 'UNKNOWN' || ((s.phase === 'BOOTING' || s.phase === 'SHUTDOWN') && s.wake === null)) {
    return stay(s.pendingWake === null ? { ...s, pendingWake: trigger } : s)
  }
  // single-flight: only a server known to be off gets a wake; a burst of requests sends one
  if (s.phase !== 'OFFLINE') return stay(s)
  // too soon (a failed wake's cooldown, a machine that has just powered off): the next tick after it starts the wake
  if (s.retryNotBefore !== null && now < s.retryNotBefore) return stay(s.pendingWake === null ? { ...s, pendingWake: trigger } : s)
  return startWake(s, trigger, true, rules, now, `wake requested (${trigger})`)
}

export function onWakeSent (s: ServerState, requestedAt: number, now: number): Step {
  if (s.wake === null || s.wake.requestedAt !== requestedAt) return stay(s)
  return stay({ ...s, wake: { ...s.wake, sentAt: now } })
}

export function onWakeFailed (s: ServerState, requestedAt: number, error: { code: string, message: string }, now: number): Step {
  if (s.wake === null || s.wake.requestedAt !== requestedAt || s.phase !== 'WAKING') return stay(s)
  return to({ ...afterFailedWake(s, now), retryNotBefore: now + WAKE_RETRY_COOLDOWN_MS }, 'OFFLINE', now, `wake failed: ${error.code}`,
    [{ kind: 'wake-finished', outcome: 'failed', error }])
}

export function onWakeDeadline (s: ServerState, requestedAt: number, now: number): Step {
  if (s.wake === null || s.wake.requestedAt !== requestedAt) return stay(s)
  const finished: Effect = { kind: 'wake-finished', outcome: 'timeout', error: { code: 'HALL_ERR_WAKE_TIMEOUT', message: `not ready after ${Math.round((now - s.wake.requestedAt) / 1000)} s` } }
  if (s.phase === 'WAKING') return to(afterFailedWake(s, now), 'OFFLINE', now, 'wake timed out', [finished])
  // the host answers but its application never became healthy: it stays BOOTING, the wake failed
  return stay(afterFailedWake(s, now), [finished])
}

function afterFailedWake (s: ServerState, now: number): ServerState {
  const automatic = s.wake?.trigger === 'watchdog' || s.wake?.trigger === 'schedule'
  return { ...s, wake: null, autoWakeNotBefore: automatic ? now + AUTO_WAKE_RETRY_MS : s.autoWakeNotBefore }
}

export function startWake (s: ServerState, trigger: WakeTrigger, send: boolean, rules: LifecycleRules, now: number, reason: string, phase: 'WAKING' | 'BOOTING' = 'WAKING'): Step {
  const wake: WakeInFlight = { trigger, requestedAt: now, deadline: now + rules.wakeTimeoutMs, sentAt: null, aliveAt: send ? null : now }
  const effects: Effect[] = [{ kind: 'begin-wake', trigger, send }]
  if (!send) effects.push({ kind: 'wake-alive' })
  effects.push({ kind: 'arm-deadline', at: wake.deadline, requestedAt: now })
  return to({ ...s, wake, pendingWake: null }, phase, now, reason, effects)
}
