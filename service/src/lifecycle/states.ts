/** Lifecycle phases, named as in the design. */
export const phases = ['UNKNOWN', 'OFFLINE', 'WAKING', 'BOOTING', 'RUNNING', 'IDLE', 'SHUTDOWN'] as const
export type Phase = typeof phases[number]

export type WakeTrigger = 'request' | 'api' | 'schedule' | 'watchdog' | 'external'
export type ShutdownTrigger = 'idle' | 'schedule' | 'api'

/** The wake the supervisor is waiting on: at most one per server (single-flight). */
export interface WakeInFlight {
  readonly trigger: WakeTrigger
  readonly requestedAt: number
  readonly deadline: number
  /** Set once the packet left (or the relay command finished). */
  readonly sentAt: number | null
  readonly aliveAt: number | null
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
  /** Set when a wake could not be sent: no new wake before this time. */
  readonly retryNotBefore: number | null
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
  return { phase: 'UNKNOWN', since: now, wake: null, pendingWake: null, failedProbes: 0, lastActivityAt: null, retryNotBefore: null }
}
