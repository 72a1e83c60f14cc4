import { z } from 'zod'

/** GET /healthz: Hall's own liveness, for Docker, systemd watchdogs and monitors. */
export const healthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptime_seconds: z.number().int()
})

export type Health = z.infer<typeof healthSchema>
