import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { Clock } from '../../clock.js'
import { errorReplySchema, type ErrorReply } from '../../contract/error-reply.js'
import { healthSchema, type Health } from '../../contract/health.js'
import { toResponseSchema } from '../../contract/json-schema.js'
import { domainStatusSchema, serverStatusSchema, statusListSchema, type DomainStatus, type ServerStatus } from '../../contract/status.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { LimitHook } from '../rate-limit.js'
import type { RecentPowerHistory } from '../recent-power-history.js'
import { createStatusAnswers, type StatusSerializers } from '../status-answers.js'
import type { ProxyTrust } from '../trusted-proxies.js'
import { sendError } from '../error-answer.js'

export interface StatusOptions { fleet: Fleet, history: RecentPowerHistory, clock: Clock, startedAt: number, version: string, proxies: ProxyTrust, limit: LimitHook }

const domainParams = { type: 'object', required: ['domain'], properties: { domain: { type: 'string', maxLength: 253 } } } as const
// the serializer writes only the fields these declare: contract/ is where a new field goes
const errorReply = toResponseSchema(errorReplySchema)
const domainStatus = toResponseSchema(domainStatusSchema)
const statusList = toResponseSchema(statusListSchema)
const serverStatus = toResponseSchema(serverStatusSchema)
const health = toResponseSchema(healthSchema)
const JSON_TYPE = 'application/json; charset=utf-8'

/** The contract's serializers for one domain and one server; Fastify compiles each once per route. */
function serializers (reply: FastifyReply): StatusSerializers {
  return {
    domain: reply.compileSerializationSchema(domainStatus) as (s: DomainStatus) => string,
    server: reply.compileSerializationSchema(serverStatus) as (s: ServerStatus) => string
  }
}

/** JSON for the waiting page, for monitors, and Hall's own liveness. None of these wake anything. */
export const statusRoutes: FastifyPluginAsync<StatusOptions> = async (app, { fleet, history, clock, startedAt, version, proxies, limit }) => {
  app.addHook('onRequest', limit)
  // answers are serialized once per change, not per call: a monitor looping on /api/status at
  // 1000 domains must not hold up forward-auth on the same event loop
  const answers = createStatusAnswers({ fleet, history, clock, startedAt })

  app.get<{ Params: { domain: string }, Reply: string | ErrorReply }>('/api/status/:domain', {
    logLevel: 'warn', // the waiting page polls it every second or two
    schema: { params: domainParams, response: { 200: domainStatus, 400: errorReply, 404: errorReply, 429: errorReply, 500: errorReply } }
  }, async (req, reply) => {
    const status = answers.domain(req.params.domain.toLowerCase(), serializers(reply))
    reply.header('cache-control', 'no-store')
    if (status === null) return sendError(reply, 'HALL_ERR_DOMAIN_UNKNOWN', `Hall does not serve ${req.params.domain}`)
    return reply.type(JSON_TYPE).send(status)
  })

  app.get('/api/status', { schema: { response: { 200: statusList, 429: errorReply, 500: errorReply } } }, async (req, reply) => {
    // req.ip is the browser's address behind a trusted proxy: only a caller on the gateway itself
    // (the CLI, a local monitor) sees unlisted domains and the servers
    const local = proxies.trusts(req.ip)
    return reply.header('cache-control', 'no-store').type(JSON_TYPE).send(answers.list(local, serializers(reply)))
  })

  app.get<{ Reply: Health }>('/healthz', { logLevel: 'warn', schema: { response: { 200: health, 429: errorReply, 500: errorReply } } }, async () => ({
    status: 'ok',
    version,
    uptime_seconds: Math.round((clock.now() - startedAt) / 1000)
  }))
}
