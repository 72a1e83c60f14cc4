import type { ShutdownTrigger } from '../ports/power-records.js'
import type { ServerState, ShutdownInFlight } from './states.js'
import { stay, to, type Effect, type LifecycleRules, type Step } from './steps.js'

/** Starts a shutdown: with a busy check the server keeps serving until the check says it is free. */
export function beginShutdown (s: ServerState, trigger: ShutdownTrigger, check: boolean, now: number, reason: string, effects: Effect[] = []): Step {
  const shutdown: ShutdownInFlight = { trigger, requestedAt: now, stage: check ? 'checking' : 'sending', sentAt: null, deadline: null }
  const all: Effect[] = [...effects, { kind: 'begin-shutdown', trigger, check }]
  const next = { ...s, shutdown, pendingWake: null, shutdownSuspended: false }
  return check ? { state: next, effects: all, reason } : to({ ...next, failedProbes: 0 }, 'SHUTDOWN', now, reason, all)
}

/** A person asked (API, CLI): no busy check, since they decided; a wake under way is given up. */
export function onShutdownRequested (s: ServerState, trigger: ShutdownTrigger, now: number): Step {
  // an idle shutdown still at its busy check is replaced: the person's decision needs no check
  if (s.shutdown !== null && s.shutdown.stage !== 'checking') return stay(s)
  if (s.phase !== 'RUNNING' && s.phase !== 'IDLE' && s.phase !== 'BOOTING') return stay(s)
  const replaced: Effect[] = []
  if (s.shutdown !== null) replaced.push({ kind: 'shutdown-finished', outcome: 'cancelled', error: { code: 'HALL_ERR_SHUTDOWN_CANCELLED', message: `replaced by a shutdown asked for (${trigger})` } })
  if (s.wake !== null) replaced.push({ kind: 'wake-finished', outcome: 'cancelled', error: { code: 'HALL_ERR_WAKE_CANCELLED', message: 'a shutdown was asked for' } })
  return beginShutdown({ ...s, wake: null, shutdown: null }, trigger, false, now, `shutdown requested (${trigger})`, replaced)
}

export function onBusyChecked (s: ServerState, requestedAt: number, busy: boolean, now: number): Step {
  if (!current(s, requestedAt, 'checking')) return stay(s)
  if (busy) {
    // a busy server counts as used: the idle countdown starts again
    const used = { ...s, shutdown: null, idleFrom: now }
    const vetoed: Effect[] = [{ kind: 'shutdown-finished', outcome: 'vetoed' }]
    return s.phase === 'IDLE' ? to(used, 'RUNNING', now, 'busy check: server busy, shutdown vetoed', vetoed) : stay(used, vetoed)
  }
  return to({ ...s, shutdown: { ...s.shutdown!, stage: 'sending' }, failedProbes: 0 }, 'SHUTDOWN', now, 'idle and not busy: shutting down', [{ kind: 'send-shutdown' }])
}

export function onShutdownSent (s: ServerState, requestedAt: number, rules: LifecycleRules, now: number): Step {
  if (!current(s, requestedAt, 'sending')) return stay(s)
  const deadline = now + rules.offTimeoutMs
  return stay({ ...s, shutdown: { ...s.shutdown!, stage: 'waiting', sentAt: now, deadline } },
    [{ kind: 'arm-shutdown-deadline', at: deadline, requestedAt }])
}

/** The command (or the busy check) could not run: the server is still up, and its countdown starts again. */
export function onShutdownFailed (s: ServerState, requestedAt: number, error: { code: string, message: string }, now: number): Step {
  if (s.shutdown === null || s.shutdown.requestedAt !== requestedAt) return stay(s)
  const up = { ...s, shutdown: null, idleFrom: now }
  const failed: Effect[] = [{ kind: 'shutdown-finished', outcome: 'failed', error }]
  return s.phase === 'SHUTDOWN' ? to(up, 'RUNNING', now, `shutdown failed: ${error.code}`, failed) : stay(up, failed)
}

/** The host kept answering: an error to look at, not a reason to send the command again and again. */
export function onShutdownDeadline (s: ServerState, requestedAt: number, now: number): Step {
  if (!current(s, requestedAt, 'waiting')) return stay(s)
  const seconds = Math.round((now - (s.shutdown!.sentAt ?? requestedAt)) / 1000)
  return to({ ...s, shutdown: null, shutdownSuspended: true, idleFrom: now }, 'RUNNING', now, 'still answering after the shutdown command', [{
    kind: 'shutdown-finished',
    outcome: 'timeout',
    error: { code: 'HALL_ERR_SHUTDOWN_TIMEOUT', message: `still answering ${seconds} s after the shutdown command; idle shutdown is suspended until the server is seen off` }
  }])
}

function current (s: ServerState, requestedAt: number, stage: ShutdownInFlight['stage']): boolean {
  return s.shutdown !== null && s.shutdown.requestedAt === requestedAt && s.shutdown.stage === stage
}
