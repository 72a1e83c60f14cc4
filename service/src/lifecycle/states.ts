import type { Phase } from '../ports/phases.js'
import type { ShutdownTrigger, WakeTrigger } from '../ports/power-records.js'

// declared in ports/ beside the other words the lifecycle shares: the status contract publishes them
export { phases, type Phase } from '../ports/phases.js'

/** The wake the supervisor is waiting on: at most one per server (single-flight). */
export interface WakeInFlight {
  readonly trigger: WakeTrigger
  readonly requestedAt: number
  readonly deadline: number
  /** Set once the packet left (or the relay command finished). */
  readonly sentAt: number | null
  readonly aliveAt: number | null
}

export type ShutdownStage =
  /** The busy check runs on the server; the server still serves, and traffic cancels the shutdown. */
  | 'checking'
  /** The shutdown command runs on the relay. */
  | 'sending'
  /** The command ran: waiting for the host to stop answering. */
  | 'waiting'

/** The shutdown the supervisor is carrying out: at most one per server. */
export interface ShutdownInFlight {
  readonly trigger: ShutdownTrigger
  readonly requestedAt: number
  readonly stage: ShutdownStage
  readonly sentAt: number | null
  /** Set once the command ran: the host must be quiet by then. */
  readonly deadline: number | null
}

export interface ServerState {
  readonly phase: Phase
  readonly since: number
  readonly wake: WakeInFlight | null
  /** A wake asked for before the first probe said whether the server is already up. */
  readonly pendingWake: WakeTrigger | null
  /** Consecutive failed probes while up: one lost probe must not flip a running server. */
  readonly failedProbes: number
  readonly lastActivityAt: number | null
  /** Set when a wake could not be sent, or the host has just gone off: no new wake before this time. */
  readonly retryNotBefore: number | null
  /** After a watchdog or schedule wake failed: no automatic wake before this time (requests still may). */
  readonly autoWakeNotBefore: number | null
  /** The idle countdown runs from here: when the server came up, its last activity, or a busy veto. */
  readonly idleFrom: number | null
  readonly shutdown: ShutdownInFlight | null
  /** A shutdown command ran and the host kept answering: no idle shutdown until it is seen off. */
  readonly shutdownSuspended: boolean
}

/** The server answers well enough for the proxy to route to it. */
export function isServing (phase: Phase): boolean {
  return phase === 'RUNNING' || phase === 'IDLE'
}

/** Phases where probes run fast, so a change is noticed within a second. */
export function isTransient (phase: Phase): boolean {
  return phase === 'UNKNOWN' || phase === 'WAKING' || phase === 'BOOTING' || phase === 'SHUTDOWN'
}

export function initialState (now: number): ServerState {
  return {
    phase: 'UNKNOWN',
    since: now,
    wake: null,
    pendingWake: null,
    failedProbes: 0,
    lastActivityAt: null,
    retryNotBefore: null,
    autoWakeNotBefore: null,
    idleFrom: null,
    shutdown: null,
    shutdownSuspended: false
  }
}
