import type { ServerConfig } from '../config/types.js'

/** What the lifecycle asks of the probes (probe/server.ts implements it). */

export interface ProbeOutcome {
  /** Some check saw the host answer: enough for BOOTING. */
  readonly alive: boolean
  /** Every check passed: RUNNING. */
  readonly ready: boolean
  readonly checks: ReadonlyArray<{ readonly type: string, readonly target: string, readonly ok: boolean, readonly reason: string | null, readonly durationMs: number }>
}
export interface Prober { probe (server: ServerConfig, signal: AbortSignal): Promise<ProbeOutcome> }
