import type { FastifyPluginAsync } from 'fastify'
import type { Clock } from '../../clock.js'
import { errorReplySchema } from '../../contract/error-reply.js'
import { healthReportSchema, type HealthReport } from '../../contract/health.js'
import { toResponseSchema } from '../../contract/json-schema.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import { buildHealthReport, createWindowMemo } from '../health-report.js'
import type { LimitHook } from '../rate-limit.js'
import type { RecentPowerHistory } from '../recent-power-history.js'

/** What only main.ts knows: the write queue's backlog and when the config in force was loaded. */
export interface HallVitals {
  queuedWrites (): number
  configLoadedAt (): number | null
}

export interface HealthOptions { fleet: Fleet, history: RecentPowerHistory, clock: Clock, startedAt: number, version: string, vitals?: HallVitals, limit: LimitHook }

const report = toResponseSchema(healthReportSchema)
const errorReply = toResponseSchema(errorReplySchema)

/** GET /api/health for monitors: always 200 while Hall answers, `degraded` in the JSON when a server is not as its policy wants. */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { fleet, history, clock, startedAt, version, vitals, limit }) => {
  app.addHook('onRequest', limit)
  const isWindowOpen = createWindowMemo()
  app.get<{ Reply: HealthReport }>('/api/health', {
    logLevel: 'warn', // monitors poll it every few seconds
    schema: { response: { 200: report, 429: errorReply, 500: errorReply } }
  }, async (_req, reply) => {
    reply.header('cache-control', 'no-store')
    return buildHealthReport({
      config: fleet.config(),
      phaseOf: (name) => fleet.supervisor(name)?.state().phase ?? 'UNKNOWN',
      latestWake: (name) => history.latest(name),
      now: clock.now(),
      version,
      startedAt,
      configLoadedAt: vitals?.configLoadedAt() ?? null,
      queuedWrites: vitals?.queuedWrites() ?? 0,
      isWindowOpen
    })
  })
}
