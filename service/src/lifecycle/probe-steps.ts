import { assertNever } from '../assert-never.js'
import type { ServerState } from './states.js'
import { stay, to, type Effect, type LifecycleRules, type Step } from './steps.js'
import { startWake } from './wake-steps.js'

/** Probes a running server may fail before Hall believes it is down. */
export const FAILED_PROBES_BEFORE_DOWN = 2

/** A machine that has just stopped answering may still be powering down: a magic packet now could be lost. */
export const POWER_OFF_SETTLE_MS = 5_000

export function onProbe (s: ServerState, alive: boolean, ready: boolean, rules: LifecycleRules, now: number): Step {
  if (ready) return onReady(s, now)
  return alive ? onAlive(s, rules, now) : onDown(s, rules, now)
}

function onReady (s: ServerState, now: number): Step {
  const healthy = { ...s, failedProbes: 0, pendingWake: null }
  // every way up starts the idle countdown afresh, whoever powered the server on
  const up = { ...healthy, wake: null, idleFrom: now }
  switch (s.phase) {
    case 'RUNNING':
    case 'IDLE':
    case 'SHUTDOWN': // a shutdown in progress still answers for a moment: not a reason to change
      return stay(s.phase === 'SHUTDOWN' ? { ...s, failedProbes: 0 } : healthy)
    case 'UNKNOWN':
      return to({ ...healthy, idleFrom: s.idleFrom ?? now }, 'RUNNING', now, 'found running')
    case 'OFFLINE':
      // powered on without Hall: recorded as an external boot that is already complete
      return to(up, 'RUNNING', now, 'found running (external boot)',
        [{ kind: 'begin-wake', trigger: 'external', send: false }, { kind: 'wake-alive' }, { kind: 'wake-finished', outcome: 'running' }])
    case 'WAKING':
    case 'BOOTING': {
      const effects: Effect[] = []
      if (s.wake !== null) {
        if (s.wake.aliveAt === null) effects.push({ kind: 'wake-alive' })
        effects.push({ kind: 'wake-finished', outcome: 'running' })
      }
      return to(up, 'RUNNING', now, 'health checks pass', effects)
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
      return stay(s)
    case 'SHUTDOWN':
      return stay(s.failedProbes === 0 ? s : { ...s, failedProbes: 0 })
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
    case 'SHUTDOWN': {
      // one lost probe is not "off": two in a row, then a short settle before any new wake
      const failedProbes = s.failedProbes + 1
      if (failedProbes < FAILED_PROBES_BEFORE_DOWN) return stay({ ...s, failedProbes })
      return to({ ...s, ...offState, retryNotBefore: now + POWER_OFF_SETTLE_MS }, 'OFFLINE', now, 'host went quiet', shutdownDone(s))
    }
    case 'RUNNING':
    case 'IDLE':
      return failedProbe(s, 'OFFLINE', now, 'host stopped answering')
    default:
      return assertNever(s.phase)
  }
}

/** The server is seen off: OFFLINE, or straight into a wake someone asked for meanwhile. */
function offOrWake (s: ServerState, rules: LifecycleRules, now: number, reason: string): Step {
  const off = { ...s, ...offState }
  // a wake held through a pause (power-off settle, failed-wake cooldown) waits for the tick after it
  const paused = s.retryNotBefore !== null && now < s.retryNotBefore
  if (s.pendingWake === null || paused) return to(off, 'OFFLINE', now, reason, shutdownDone(s))
  const step = startWake(off, s.pendingWake, true, rules, now, `${reason}, wake requested (${s.pendingWake})`)
  return { ...step, effects: [...shutdownDone(s), ...step.effects] }
}

function failedProbe (s: ServerState, phase: 'OFFLINE' | 'BOOTING', now: number, reason: string): Step {
  const failedProbes = s.failedProbes + 1
  if (failedProbes < FAILED_PROBES_BEFORE_DOWN) return stay({ ...s, failedProbes })
  if (phase === 'BOOTING') return to({ ...s, failedProbes: 0 }, phase, now, reason)
  return to({ ...s, ...offState }, phase, now, reason, shutdownDone(s))
}

/** What being seen off resets: a shutdown under way is over, and so is any reason to hold one back. */
const offState: Partial<ServerState> = { failedProbes: 0, shutdown: null, shutdownSuspended: false, idleFrom: null }

/** Seen off while a shutdown was under way (or checking): that shutdown is complete. */
function shutdownDone (s: ServerState): Effect[] {
  return s.shutdown === null ? [] : [{ kind: 'shutdown-finished', outcome: 'off' }]
}
