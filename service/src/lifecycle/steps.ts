import type { Policy } from '../config/types.js'
import type { ShutdownFinalOutcome, ShutdownTrigger, WakeFinalOutcome, WakeTrigger } from '../ports/power-records.js'
import type { Phase, ServerState } from './states.js'

/**
 * The vocabulary of the pure lifecycle: what happens to a server (events), what the supervisor
 * must then do (effects), and the small helpers every transition module builds steps with.
 */
export type LifecycleEvent =
  | { readonly kind: 'probe', readonly alive: boolean, readonly ready: boolean }
  | { readonly kind: 'wake-requested', readonly trigger: WakeTrigger }
  /** Results name their wake by `requestedAt`: a late answer from an older wake changes nothing. */
  | { readonly kind: 'wake-sent', readonly requestedAt: number }
  | { readonly kind: 'wake-failed', readonly requestedAt: number, readonly code: string, readonly message: string }
  | { readonly kind: 'wake-deadline', readonly requestedAt: number }
  | { readonly kind: 'activity', readonly at: number }
  /**
   * The policy's clock. `wantUp`: the policy wants the server running now (always_on, or a
   * schedule window open or about to open). `mayIdle`: idle shutdown applies now.
   */
  | { readonly kind: 'tick', readonly wantUp: boolean, readonly mayIdle: boolean }
  | { readonly kind: 'shutdown-requested', readonly trigger: ShutdownTrigger }
  /** Shutdown results name their shutdown by `requestedAt`, like wake results. */
  | { readonly kind: 'busy-checked', readonly requestedAt: number, readonly busy: boolean }
  | { readonly kind: 'shutdown-sent', readonly requestedAt: number }
  | { readonly kind: 'shutdown-failed', readonly requestedAt: number, readonly code: string, readonly message: string }
  | { readonly kind: 'shutdown-deadline', readonly requestedAt: number }

export interface Failure { readonly code: string, readonly message: string }

export type Effect =
  /** Record a wake; `send` false for a boot Hall did not cause (someone pressed the power button). */
  | { readonly kind: 'begin-wake', readonly trigger: WakeTrigger, readonly send: boolean }
  | { readonly kind: 'arm-deadline', readonly at: number, readonly requestedAt: number }
  | { readonly kind: 'wake-alive' }
  | { readonly kind: 'wake-finished', readonly outcome: WakeFinalOutcome, readonly error?: Failure }
  /** Record a shutdown, then run the busy check (`check`) or the shutdown command. */
  | { readonly kind: 'begin-shutdown', readonly trigger: ShutdownTrigger, readonly check: boolean }
  | { readonly kind: 'send-shutdown' }
  | { readonly kind: 'arm-shutdown-deadline', readonly at: number, readonly requestedAt: number }
  | { readonly kind: 'shutdown-finished', readonly outcome: ShutdownFinalOutcome, readonly error?: Failure }

export interface Step { readonly state: ServerState, readonly effects: readonly Effect[], readonly reason: string }

export interface LifecycleRules {
  readonly policy: Policy
  readonly wakeTimeoutMs: number
  /** null: never shut down for idleness. */
  readonly idleShutdownMs: number | null
  /** A shutdown command is configured. */
  readonly canShutdown: boolean
  readonly hasBusyCheck: boolean
  readonly offTimeoutMs: number
}

export function to (s: ServerState, phase: Phase, now: number, reason: string, effects: Effect[] = []): Step {
  return { state: { ...s, phase, since: now }, effects, reason }
}

export function stay (s: ServerState, effects: Effect[] = []): Step {
  return { state: s, effects, reason: '' }
}
