import type { FastifyPluginAsync } from 'fastify'
import type { Clock } from '../../clock.js'
import { errorReplySchema } from '../../contract/error-reply.js'
import { healthReportSchema, type HealthReport } from '../../contract/health.js'
import { toResponseSchema } from '../../contract/json-schema.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import { clientAddress } from '../client-address.js'
import { buildHealthReport, createWindowMemo } from '../health-report.js'
import type { LimitHook } from '../rate-limit.js'
import type { RecentPowerHistory } from '../recent-power-history.js'
import type { ProxyTrust } from '../trusted-proxies.js'

/** What only main.ts knows: the write queue's backlog and when the config in force was loaded. */
export interface HallVitals {
  queuedWrites (): number
  configLoadedAt (): number | null
}

export interface HealthOptions {
  fleet: Fleet
  history: RecentPowerHistory
  clock: Clock
  startedAt: number
  version: string
  vitals?: HallVitals
  limit: LimitHook
  /** Trusted proxies, whose X-Forwarded-For names the client (the admin's rule). */
  proxies: ProxyTrust
  /** Who sees the servers' names and states: HALL_ADMIN_ALLOW. */
  detailsFor: ProxyTrust
}

const report = toResponseSchema(healthReportSchema)
const errorReply = toResponseSchema(errorReplySchema)

/** GET /api/health for monitors: always 200 while Hall answers, `degraded` in the JSON when a server is not as its policy wants. */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, { fleet, history, clock, startedAt, version, vitals, limit, proxies, detailsFor }) => {
  app.addHook('onRequest', limit)
  const isWindowOpen = createWindowMemo()
  app.get<{ Reply: HealthReport }>('/api/health', {
    logLevel: 'warn', // monitors poll it every few seconds
    schema: { response: { 200: report, 429: errorReply, 500: errorReply } }
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], proxies)
    const report = buildHealthReport({
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
    if (address !== null && detailsFor.trusts(address)) return report
    return { status: report.status, hall: report.hall }
  })
}
