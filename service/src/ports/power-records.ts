/**
 * The words a wake or shutdown record is written in: the lifecycle decides them, the store keeps
 * them, the HTTP layer shows them. The lists are what store/migrations.ts holds each column to.
 */

/** Why a wake was started; `external`: the server came up without one from Hall. */
export const wakeTriggers = ['request', 'api', 'schedule', 'watchdog', 'external'] as const
export type WakeTrigger = typeof wakeTriggers[number]

/** How a wake was sent; `none` for an external boot. */
export const wakeMethods = ['udp', 'ssh', 'none'] as const
export type WakeMethod = typeof wakeMethods[number]

export const wakeOutcomes = ['pending', 'running', 'failed', 'timeout', 'cancelled'] as const
export type WakeOutcome = typeof wakeOutcomes[number]
export type WakeFinalOutcome = Exclude<WakeOutcome, 'pending'>

export const shutdownTriggers = ['idle', 'api'] as const
export type ShutdownTrigger = typeof shutdownTriggers[number]

export const shutdownOutcomes = ['pending', 'off', 'vetoed', 'failed', 'timeout', 'cancelled'] as const
export type ShutdownOutcome = typeof shutdownOutcomes[number]
export type ShutdownFinalOutcome = Exclude<ShutdownOutcome, 'pending'>
