import type { FastifyPluginAsync } from 'fastify'
import type { Clock } from '../../clock.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import { serverStatusJson, statusOfDomain, type PowerHistory } from '../status-view.js'
import type { ProxyTrust } from '../trusted-proxies.js'

export interface StatusOptions { fleet: Fleet, history: PowerHistory, clock: Clock, startedAt: number, version: string, proxies: ProxyTrust }

const domainParams = { type: 'object', required: ['domain'], properties: { domain: { type: 'string', maxLength: 253 } } } as const
const anyObject = { type: 'object', additionalProperties: true } as const

/** JSON for the waiting page, for monitors, and Hall's own liveness. None of these wake anything. */
export const statusRoutes: FastifyPluginAsync<StatusOptions> = async (app, { fleet, history, clock, startedAt, version, proxies }) => {
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

  app.get('/api/status', { schema: { response: { 200: anyObject } } }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    const config = fleet.config()
    // req.ip is the browser's address behind a trusted proxy: only a caller on the gateway itself
    // (the CLI, a local monitor) sees unlisted domains and the servers
    const local = proxies.trusts(req.ip)
    const hosts = [...config.domains.values()].filter(d => local || d.listed).map(d => d.host).sort()
    const domains = hosts.map(statusOf)
    if (!local) return { domains }
    const now = clock.now()
    const servers = [...config.servers.values()].sort((a, b) => a.name.localeCompare(b.name)).map(server => {
      const own = [...config.domains.values()].filter(d => d.server === server.name).map(d => d.host).sort()
      return serverStatusJson(server, own, fleet, history, startedAt, now)
    })
    return { domains, servers }
  })

  app.get('/healthz', { logLevel: 'warn', schema: { response: { 200: anyObject } } }, async () => ({
    status: 'ok',
    version,
    uptime_seconds: Math.round((clock.now() - startedAt) / 1000)
  }))
}
