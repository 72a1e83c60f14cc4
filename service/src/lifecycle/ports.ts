import type { ShutdownFinalOutcome, ShutdownTrigger, WakeFinalOutcome, WakeMethod, WakeTrigger } from '../ports/power-records.js'
import type { Phase } from './states.js'

// what a supervisor's lastProbe() returns: the HTTP layer reads it through the lifecycle
export type { ProbeOutcome, Prober } from '../ports/probe.js'

/**
 * What the lifecycle needs from the store and the log, in its own words; store/ implements it
 * without knowing it (main.ts hands the store over). The power and probe ports, which their
 * adapters implement by name, are in ports/.
 */

/** One server's state as the lifecycle saves it, to restart or reload from. */
export interface SavedServerState {
  readonly server: string
  readonly phase: Phase
  readonly since: number
  readonly wakeId: number | null
  readonly lastActivityAt: number | null
  readonly idleFrom: number | null
  readonly shutdownId: number | null
  readonly pendingWake: WakeTrigger | null
  readonly retryNotBefore: number | null
  readonly autoWakeNotBefore: number | null
  readonly shutdownSuspended: boolean
  readonly updatedAt: number
}

/** The same, as read back: the values stand as SQLite holds them, and restore.ts checks them before use. */
export interface StoredServerState extends Omit<SavedServerState, 'phase' | 'pendingWake'> {
  readonly phase: string
  readonly pendingWake: string | null
}

/** A wake or shutdown left pending by a previous run of Hall (values as SQLite holds them). */
export interface StoredWake {
  readonly id: number
  readonly server: string
  readonly trigger: string
  readonly method: string
  readonly requestedAt: number
  readonly sendStartedAt: number | null
  readonly sentAt: number | null
  readonly aliveAt: number | null
}
export interface StoredShutdown {
  readonly id: number
  readonly server: string
  readonly trigger: string
  readonly requestedAt: number
  readonly sendStartedAt: number | null
  readonly sentAt: number | null
}

interface Finish<Outcome> { readonly outcome: Outcome, readonly at: number, readonly errorCode?: string, readonly errorMessage?: string }

/** The store operations the lifecycle calls: the tables it writes, and what it reads back after a restart. */
export interface LifecycleStore {
  readonly serverStates: {
    loadAll (): ReadonlyMap<string, StoredServerState>
    save (s: SavedServerState): void
    remove (server: string): void
  }
  readonly transitions: {
    record (t: { server: string, from: Phase, to: Phase, at: number, reason: string }): void
  }
  readonly wakes: {
    begin (w: { server: string, trigger: WakeTrigger, method: WakeMethod, requestedAt: number }): number
    markSending (id: number, at: number): void
    markSent (id: number, s: { at: number, packetsSent: number, exitCode: number | null, stderr: string | null }): void
    markAlive (id: number, at: number): void
    markRunning (id: number, at: number): void
    finish (id: number, f: Finish<WakeFinalOutcome>): void
    /** Every server's, oldest first. */
    pending (): readonly StoredWake[]
    /** Request-to-RUNNING times of Hall's own successful wakes, newest first. */
    bootDurationsMs (server: string, limit: number): number[]
  }
  readonly shutdowns: {
    begin (s: { server: string, trigger: ShutdownTrigger, requestedAt: number }): number
    markSending (id: number, at: number): void
    markSent (id: number, s: { at: number, exitCode: number | null, stderr: string | null }): void
    finish (id: number, f: Finish<ShutdownFinalOutcome>): void
    /** Every server's, oldest first. */
    pending (): readonly StoredShutdown[]
  }
  readonly activity: {
    add (rows: Array<{ minute: number, domain: string, hits: number, waited?: number, passed?: number }>): void
  }
  /** When Hall was running: the energy report's known time (optional: test stores may leave it out). */
  readonly uptime?: { beat (now: number, final?: boolean): void }
  readonly events: {
    record (e: { at: number, level: 'info' | 'warn' | 'error', server: string | null, kind: string, message: string, details?: unknown }): void
  }
}

export interface LifecycleLog {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}
