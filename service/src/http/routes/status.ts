import type { FastifyPluginAsync } from 'fastify'
import type { Clock } from '../../clock.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import { statusOfDomain, type PowerHistory } from '../status-view.js'

export interface StatusOptions { fleet: Fleet, history: PowerHistory, clock: Clock, startedAt: number, version: string }

const domainParams = { type: 'object', required: ['domain'], properties: { domain: { type: 'string', maxLength: 253 } } } as const
const anyObject = { type: 'object', additionalProperties: true } as const

/** JSON for the waiting page, for monitors, and Hall's own liveness. None of these wake anything. */
export const statusRoutes: FastifyPluginAsync<StatusOptions> = async (app, { fleet, history, clock, startedAt, version }) => {
  const statusOf = (host: string): Record<string, unknown> | null => statusOfDomain(fleet, history, host, startedAt, clock.now())

  app.get<{ Params: { domain: string } }>('/api/status/:domain', {
    logLevel: 'warn', // the waiting page polls it every second or two
    schema: { params: domainParams, response: { 200: anyObject, 404: anyObject } }
  }, async (req, reply) => {
    const status = statusOf(req.params.domain.toLowerCase())
    reply.header('cache-control', 'no-store')
    if (status === null) return reply.code(404).send({ error: 'HALL_ERR_DOMAIN_UNKNOWN', message: `Hall does not serve ${req.params.domain}` })
    return status
  })

  app.get('/api/status', { schema: { response: { 200: anyObject } } }, async (_req, reply) => {
    reply.header('cache-control', 'no-store')
    const domains = [...fleet.config().domains.keys()].sort().map(statusOf)
    return { domains }
  })

  app.get('/healthz', { logLevel: 'warn', schema: { response: { 200: anyObject } } }, async () => ({
    status: 'ok',
    version,
    uptime_seconds: Math.round((clock.now() - startedAt) / 1000)
  }))
}
