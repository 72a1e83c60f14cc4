/**
 * Lifecycle phases, named as in the design: the lifecycle moves a server through them, the status
 * API publishes them (contract/status.ts), and store/migrations.ts holds server_state.phase to them.
 */
export const phases = ['UNKNOWN', 'OFFLINE', 'WAKING', 'BOOTING', 'RUNNING', 'IDLE', 'SHUTDOWN'] as const
export type Phase = typeof phases[number]
