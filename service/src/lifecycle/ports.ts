import type { ServerConfig } from '../config/types.js'
import type { HallStore } from '../store/index.js'

/** What the lifecycle needs from the outside, in its own words; adapters in probe/, power/, store/. */

export interface ProbeOutcome {
  readonly alive: boolean
  readonly ready: boolean
  readonly checks: ReadonlyArray<{ readonly type: string, readonly target: string, readonly ok: boolean, readonly reason: string | null, readonly durationMs: number }>
}
export interface Prober { probe (server: ServerConfig, signal: AbortSignal): Promise<ProbeOutcome> }

export interface WakeReport {
  readonly method: 'udp' | 'ssh'
  readonly packetsSent: number
  readonly exitCode: number | null
  readonly stderr: string | null
  readonly durationMs: number
}
export interface Waker { wake (server: ServerConfig, signal: AbortSignal): Promise<WakeReport> }

export interface ShutdownReport { readonly exitCode: number | null, readonly stderr: string | null, readonly durationMs: number }
export interface Shutdowner {
  /** Runs the server's busy check: true when it says busy (exit code 0). */
  isBusy (server: ServerConfig, signal: AbortSignal): Promise<boolean>
  shutdown (server: ServerConfig, signal: AbortSignal): Promise<ShutdownReport>
}

/** The tables the lifecycle writes and reads back after a restart. */
export type LifecycleStore = Pick<HallStore, 'serverStates' | 'transitions' | 'wakes' | 'shutdowns' | 'activity' | 'events'>

export interface LifecycleLog {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}
