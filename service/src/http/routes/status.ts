import type { FastifyPluginAsync } from 'fastify'
import type { Clock } from '../../clock.js'
import { errorReplySchema, type ErrorReply } from '../../contract/error-reply.js'
import { healthSchema, type Health } from '../../contract/health.js'
import { toResponseSchema } from '../../contract/json-schema.js'
import { domainStatusSchema, statusListSchema, type DomainStatus, type StatusList } from '../../contract/status.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import { serverStatusJson, statusOfDomain, type PowerHistory } from '../status-view.js'
import type { ProxyTrust } from '../trusted-proxies.js'

export interface StatusOptions { fleet: Fleet, history: PowerHistory, clock: Clock, startedAt: number, version: string, proxies: ProxyTrust }

const domainParams = { type: 'object', required: ['domain'], properties: { domain: { type: 'string', maxLength: 253 } } } as const
// the serializer writes only the fields these declare: contract/ is where a new field goes
const errorReply = toResponseSchema(errorReplySchema)
const domainStatus = toResponseSchema(domainStatusSchema)
const statusList = toResponseSchema(statusListSchema)
const health = toResponseSchema(healthSchema)

/** JSON for the waiting page, for monitors, and Hall's own liveness. None of these wake anything. */
export const statusRoutes: FastifyPluginAsync<StatusOptions> = async (app, { fleet, history, clock, startedAt, version, proxies }) => {
  const statusOf = (host: string): DomainStatus | null => statusOfDomain(fleet, history, host, startedAt, clock.now())

  app.get<{ Params: { domain: string }, Reply: DomainStatus | ErrorReply }>('/api/status/:domain', {
    logLevel: 'warn', // the waiting page polls it every second or two
    schema: { params: domainParams, response: { 200: domainStatus, 400: errorReply, 404: errorReply, 500: errorReply } }
  }, async (req, reply) => {
    const status = statusOf(req.params.domain.toLowerCase())
    reply.header('cache-control', 'no-store')
    if (status === null) return reply.code(404).send({ error: 'HALL_ERR_DOMAIN_UNKNOWN', message: `Hall does not serve ${req.params.domain}` })
    return status
  })

  app.get<{ Reply: StatusList }>('/api/status', { schema: { response: { 200: statusList, 500: errorReply } } }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    const config = fleet.config()
    // req.ip is the browser's address behind a trusted proxy: only a caller on the gateway itself
    // (the CLI, a local monitor) sees unlisted domains and the servers
    const local = proxies.trusts(req.ip)
    const hosts = [...config.domains.values()].filter(d => local || d.listed).map(d => d.host).sort()
    const domains = hosts.map(statusOf).filter(s => s !== null)
    if (!local) return { domains }
    const now = clock.now()
    const servers = [...config.servers.values()].sort((a, b) => a.name.localeCompare(b.name)).map(server => {
      const own = [...config.domains.values()].filter(d => d.server === server.name).map(d => d.host).sort()
      return serverStatusJson(server, own, fleet, history, startedAt, now)
    })
    return { domains, servers }
  })

  app.get<{ Reply: Health }>('/healthz', { logLevel: 'warn', schema: { response: { 200: health, 500: errorReply } } }, async () => ({
    status: 'ok',
    version,
    uptime_seconds: Math.round((clock.now() - startedAt) / 1000)
  }))
}
