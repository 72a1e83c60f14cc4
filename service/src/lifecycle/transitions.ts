import { assertNever } from '../assert-never.js'
import type { ServerConfig } from '../config/types.js'
import { onActivity, onTick } from './policy-steps.js'
import { onProbe } from './probe-steps.js'
import { onBusyChecked, onShutdownDeadline, onShutdownFailed, onShutdownRequested, onShutdownSent } from './shutdown-steps.js'
import type { ServerState } from './states.js'
import type { LifecycleEvent, LifecycleRules, Step } from './steps.js'
import { onWakeDeadline, onWakeFailed, onWakeRequested, onWakeSent } from './wake-steps.js'

export type { Effect, LifecycleEvent, LifecycleRules, Step } from './steps.js'
export { FAILED_PROBES_BEFORE_DOWN, POWER_OFF_SETTLE_MS } from './probe-steps.js'
export { AUTO_WAKE_RETRY_MS, WAKE_RETRY_COOLDOWN_MS } from './wake-steps.js'
export { IDLE_AFTER_MS, idleAfterMs } from './policy-steps.js'

/**
 * The lifecycle as a pure function of (state, event, now): no clock, no I/O, no await.
 * The supervisor feeds it events and carries out the effects it returns.
 */
export function next (s: ServerState, e: LifecycleEvent, rules: LifecycleRules, now: number): Step {
  switch (e.kind) {
    case 'probe': return onProbe(s, e.alive, e.ready, rules, now)
    case 'wake-requested': return onWakeRequested(s, e.trigger, rules, now)
    case 'wake-sent': return onWakeSent(s, e.requestedAt, now)
    case 'wake-failed': return onWakeFailed(s, e.requestedAt, { code: e.code, message: e.message }, now)
    case 'wake-deadline': return onWakeDeadline(s, e.requestedAt, now)
    case 'activity': return onActivity(s, e.at, now)
    case 'tick': return onTick(s, e.wantUp, e.mayIdle, rules, now)
    case 'shutdown-requested': return onShutdownRequested(s, e.trigger, now)
    case 'busy-checked': return onBusyChecked(s, e.requestedAt, e.busy, now)
    case 'shutdown-sent': return onShutdownSent(s, e.requestedAt, rules, now)
    case 'shutdown-failed': return onShutdownFailed(s, e.requestedAt, { code: e.code, message: e.message }, now)
    case 'shutdown-deadline': return onShutdownDeadline(s, e.requestedAt, now)
    default: return assertNever(e)
  }
}

export function rulesFor (server: ServerConfig): LifecycleRules {
  return {
    policy: server.policy,
    wakeTimeoutMs: server.wakeTimeoutMs,
    idleShutdownMs: server.policy === 'always_on' ? null : server.idleShutdownMs,
    canShutdown: server.shutdown !== null,
    hasBusyCheck: server.shutdown?.busyCheck != null,
    offTimeoutMs: server.shutdown?.offTimeoutMs ?? 180_000
  }
}
