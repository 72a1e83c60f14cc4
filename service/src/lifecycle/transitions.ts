import { assertNever } from '../assert-never.js'
import type { ServerState, WakeInFlight, WakeTrigger } from './states.js'

/**
 * The lifecycle as a pure function of (state, event, now): no clock, no I/O, no await.
 * The supervisor feeds it events and carries out the effects it returns.
 */
export type LifecycleEvent =
  | { readonly kind: 'probe', readonly alive: boolean, readonly ready: boolean }
  | { readonly kind: 'wake-requested', readonly trigger: WakeTrigger }
  /** Results name their wake by `requestedAt`: a late answer from an older wake changes nothing. */
  | { readonly kind: 'wake-sent', readonly requestedAt: number }
  | { readonly kind: 'wake-failed', readonly requestedAt: number, readonly code: string, readonly message: string }
  | { readonly kind: 'wake-deadline', readonly requestedAt: number }
  | { readonly kind: 'activity', readonly at: number }

export type Effect =
  /** Record a wake; `send` false for a boot Hall did not cause (someone pressed the power button). */
  | { readonly kind: 'begin-wake', readonly trigger: WakeTrigger, readonly send: boolean }
  | { readonly kind: 'arm-deadline', readonly at: number, readonly requestedAt: number }
  | { readonly kind: 'wake-alive' }
  | { readonly kind: 'wake-finished', readonly outcome: 'running' | 'failed' | 'timeout', readonly error?: { code: string, message: string } }

export interface Step { readonly state: ServerState, readonly effects: readonly Effect[], readonly reason: string }

export interface LifecycleRules { readonly wakeTimeoutMs: number }

/** Probes a running server may fail before Hall believes it is down. */
export const FAILED_PROBES_BEFORE_DOWN = 2

/** After a wake could not be sent (relay down, wrong host key), requests wait this long before retrying. */
export const WAKE_RETRY_COOLDOWN_MS = 10_000

export function next (s: ServerState, e: LifecycleEvent, rules: LifecycleRules, now: number): Step {
  switch (e.kind) {
    case 'probe':
      if (e.ready) return onReady(s, now)
      return e.alive ? onAlive(s, rules, now) : onDown(s, rules, now)
    case 'wake-requested':
      // not known to be off yet (first probe pending, host half up, shutting down): remember the
      // request, and wake as soon as the server is seen off
      if (s.phase === 'UNKNOWN' || ((s.phase === 'BOOTING' || s.phase === 'SHUTDOWN') && s.wake === null)) {
        return stay(s.pendingWake === null ? { ...s, pendingWake: e.trigger } : s)
      }
      // single-flight: only a server known to be off gets a wake; a burst of requests sends one
      if (s.phase !== 'OFFLINE') return stay(s)
      // every asset and monitor hit must not open a new SSH session to a relay that just failed
      if (s.retryNotBefore !== null && now < s.retryNotBefore) return stay(s)
      return startWake(s, e.trigger, true, rules, now, `wake requested (${e.trigger})`)
    case 'wake-sent':
      if (s.wake === null || s.wake.requestedAt !== e.requestedAt) return stay(s)
      return stay({ ...s, wake: { ...s.wake, sentAt: now } })
    case 'wake-failed':
      if (s.wake === null || s.wake.requestedAt !== e.requestedAt || s.phase !== 'WAKING') return stay(s)
      return to({ ...s, wake: null, retryNotBefore: now + WAKE_RETRY_COOLDOWN_MS }, 'OFFLINE', now, `wake failed: ${e.code}`,
        [{ kind: 'wake-finished', outcome: 'failed', error: { code: e.code, message: e.message } }])
    case 'wake-deadline':
      if (s.wake === null || s.wake.requestedAt !== e.requestedAt) return stay(s)
      return onDeadline(s, now)
    case 'activity':
      return stay(s.lastActivityAt !== null && s.lastActivityAt >= e.at ? s : { ...s, lastActivityAt: e.at })
    default:
      return assertNever(e)
  }
}

function onReady (s: ServerState, now: number): Step {
  const healthy = { ...s, failedProbes: 0, pendingWake: null }
  switch (s.phase) {
    case 'RUNNING':
    case 'IDLE':
    case 'SHUTDOWN': // a shutdown in progress still answers for a moment: not a reason to change
      return stay(healthy)
    case 'UNKNOWN':
      return to(healthy, 'RUNNING', now, 'found running')
    case 'OFFLINE': {
      // powered on without Hall: recorded as an external boot that is already complete
      return to({ ...healthy, wake: null }, 'RUNNING', now, 'found running (external boot)',
        [{ kind: 'begin-wake', trigger: 'external', send: false }, { kind: 'wake-alive' }, { kind: 'wake-finished', outcome: 'running' }])
    }
    case 'WAKING':
    case 'BOOTING': {
      const effects: Effect[] = []
      if (s.wake !== null) {
        if (s.wake.aliveAt === null) effects.push({ kind: 'wake-alive' })
        effects.push({ kind: 'wake-finished', outcome: 'running' })
      }
      return to({ ...healthy, wake: null }, 'RUNNING', now, 'health checks pass', effects)
    }
    default:
      return assertNever(s.phase)
  }
}

function onAlive (s: ServerState, rules: LifecycleRules, now: number): Step {
  switch (s.phase) {
    case 'UNKNOWN':
      return to(s, 'BOOTING', now, 'host answers, application not ready')
    case 'OFFLINE':
      return startWake(s, 'external', false, rules, now, 'host answers without a wake (external boot)', 'BOOTING')
    case 'WAKING':
      return to({ ...s, wake: s.wake === null ? null : { ...s.wake, aliveAt: now } }, 'BOOTING', now, 'host answers',
        s.wake === null ? [] : [{ kind: 'wake-alive' }])
    case 'BOOTING':
    case 'SHUTDOWN':
      return stay(s)
    case 'RUNNING':
    case 'IDLE':
      return failedProbe(s, 'BOOTING', now, 'health checks failing, host still answers')
    default:
      return assertNever(s.phase)
  }
}

function onDown (s: ServerState, rules: LifecycleRules, now: number): Step {
  switch (s.phase) {
    case 'UNKNOWN':
      return offOrWake(s, rules, now, 'found off')
    case 'OFFLINE':
    case 'WAKING':
      return stay(s)
    case 'BOOTING':
      // a machine mid-boot may stop answering for a moment: with a wake in flight, wait for it
      return s.wake === null ? offOrWake(s, rules, now, 'host stopped answering') : stay(s)
    case 'SHUTDOWN':
      return offOrWake(s, rules, now, 'host went quiet')
    case 'RUNNING':
    case 'IDLE':
      return failedProbe(s, 'OFFLINE', now, 'host stopped answering')
    default:
      return assertNever(s.phase)
  }
}

/** The server is seen off: OFFLINE, or straight into a wake someone asked for meanwhile. */
function offOrWake (s: ServerState, rules: LifecycleRules, now: number, reason: string): Step {
  if (s.pendingWake === null) return to(s, 'OFFLINE', now, reason)
  return startWake(s, s.pendingWake, true, rules, now, `${reason}, wake requested (${s.pendingWake})`)
}

function onDeadline (s: ServerState, now: number): Step {
  const finished: Effect = { kind: 'wake-finished', outcome: 'timeout', error: { code: 'HALL_ERR_WAKE_TIMEOUT', message: `not ready after ${Math.round((now - s.wake!.requestedAt) / 1000)} s` } }
  if (s.phase === 'WAKING') return to({ ...s, wake: null }, 'OFFLINE', now, 'wake timed out', [finished])
  // the host answers but its application never became healthy: it stays BOOTING, the wake failed
  return stay({ ...s, wake: null }, [finished])
}

function startWake (s: ServerState, trigger: WakeTrigger, send: boolean, rules: LifecycleRules, now: number, reason: string, phase: 'WAKING' | 'BOOTING' = 'WAKING'): Step {
  const wake: WakeInFlight = { trigger, requestedAt: now, deadline: now + rules.wakeTimeoutMs, sentAt: null, aliveAt: send ? null : now }
  const effects: Effect[] = [{ kind: 'begin-wake', trigger, send }]
  if (!send) effects.push({ kind: 'wake-alive' })
  effects.push({ kind: 'arm-deadline', at: wake.deadline, requestedAt: now })
  return to({ ...s, wake, pendingWake: null }, phase, now, reason, effects)
}

function failedProbe (s: ServerState, phase: 'OFFLINE' | 'BOOTING', now: number, reason: string): Step {
  const failedProbes = s.failedProbes + 1
  if (failedProbes < FAILED_PROBES_BEFORE_DOWN) return stay({ ...s, failedProbes })
  return to({ ...s, failedProbes: 0 }, phase, now, reason)
}

function to (s: ServerState, phase: ServerState['phase'], now: number, reason: string, effects: Effect[] = []): Step {
  return { state: { ...s, phase, since: now }, effects, reason }
}

function stay (s: ServerState, effects: Effect[] = []): Step {
  return { state: s, effects, reason: '' }
}
