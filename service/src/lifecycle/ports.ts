import type { ServerConfig } from '../config/types.js'
import type { WakeTrigger } from './states.js'

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

export interface PersistedState {
  server: string
  phase: string
  since: number
  wakeId: number | null
  lastActivityAt: number | null
  updatedAt: number
}

export interface WakeRow {
  id: number
  server: string
  trigger: string
  method: string
  requestedAt: number
  sentAt: number | null
  packetsSent: number | null
  exitCode: number | null
  aliveAt: number | null
  runningAt: number | null
  finishedAt: number | null
  outcome: string
  errorCode: string | null
  errorMessage: string | null
}

export interface LifecycleStore {
  serverStates: { loadAll (): Map<string, PersistedState>, save (s: PersistedState): void }
  transitions: { record (t: { server: string, from: string, to: string, at: number, reason: string }): void }
  wakes: {
    begin (w: { server: string, trigger: WakeTrigger, method: 'udp' | 'ssh' | 'none', requestedAt: number }): number
    markSent (id: number, s: { at: number, packetsSent: number, exitCode: number | null, stderr: string | null }): void
    markAlive (id: number, at: number): void
    markRunning (id: number, at: number): void
    finish (id: number, f: { outcome: 'running' | 'failed' | 'timeout' | 'cancelled', at: number, errorCode?: string, errorMessage?: string }): void
    pending (): WakeRow[]
  }
  activity: { add (rows: Array<{ minute: number, domain: string, hits: number }>): void }
  events: { record (e: { at: number, level: 'info' | 'warn' | 'error', server: string | null, kind: string, message: string, details?: unknown }): void }
}

export interface LifecycleLog {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}
