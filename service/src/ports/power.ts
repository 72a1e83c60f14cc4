import type { ServerConfig } from '../config/types.js'
import type { WakeMethod } from './power-records.js'

/** What the lifecycle asks of the power layer (power/wake.ts and power/shutdown.ts implement it). */

export interface WakeReport {
  readonly method: Exclude<WakeMethod, 'none'>
  readonly packetsSent: number
  /** The relay command's exit code; null for UDP. */
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
