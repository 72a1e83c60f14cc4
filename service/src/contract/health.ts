import { z } from 'zod'

/** GET /healthz: Hall's own liveness, for Docker, systemd watchdogs and monitors. */
export const healthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptime_seconds: z.number().int()
})

export type Health = z.infer<typeof healthSchema>

/** Whether Hall's database takes writes now, or writes wait in memory for another process's lock. */
export const databaseStates = ['ok', 'waiting'] as const

/** One server as a monitor judges it: its phase, its policy, and whether that phase is fine for that policy. */
export const serverHealthSchema = z.object({
  state: z.string(),
  policy: z.enum(['always_on', 'scheduled', 'on_demand']),
  healthy_for_its_policy: z.boolean(),
  /** Why not, in words, when healthy_for_its_policy is false. */
  problem: z.string().optional()
})

/**
 * GET /api/health: Hall and its servers for a monitor (Uptime Kuma, Gatus). 200 while Hall
 * itself answers; `degraded` says a server is not as its policy wants, so monitors alert on the JSON.
 * `servers` is left out for clients outside HALL_ADMIN_ALLOW; `status` is the same for everyone.
 */
export const healthReportSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  hall: z.object({
    version: z.string(),
    uptime_seconds: z.number().int(),
    /** ISO 8601: when the config in force was loaded (start or last good reload). */
    config_loaded_at: z.string().optional(),
    database: z.enum(databaseStates),
    queued_writes: z.number().int()
  }),
  /** Only for HALL_ADMIN_ALLOW clients (the LAN, where monitors run): server names stay off the internet. */
  servers: z.record(z.string(), serverHealthSchema).optional()
})

export type ServerHealth = z.infer<typeof serverHealthSchema>
export type HealthReport = z.infer<typeof healthReportSchema>
