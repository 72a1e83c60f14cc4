import type { FastifyPluginAsync } from 'fastify'
import type { Clock } from '../../clock.js'
import type { Cidr } from '../../config/cidr.js'
import type { EnergyEnv } from '../../config/env.js'
import { energyQuerySchema, energyReportSchema } from '../../contract/energy.js'
import { errorReplySchema } from '../../contract/error-reply.js'
import { toResponseSchema } from '../../contract/json-schema.js'
import { collectEnergyReport, hallTimeZone } from '../../energy/collect.js'
import { resolvePeriod } from '../../energy/period.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { HallStore } from '../../store/index.js'
import { clientAddress } from '../client-address.js'
import { sendError } from '../error-answer.js'
import type { LimitHook } from '../rate-limit.js'
import { createProxyTrust, type ProxyTrust } from '../trusted-proxies.js'

export interface EnergyRouteOptions {
  readonly fleet: Fleet
  readonly store: Pick<HallStore, 'uptime' | 'energyFacts' | 'activity'>
  readonly energy: EnergyEnv
  readonly clock: Clock
  readonly proxies: ProxyTrust
  /** HALL_ADMIN_ALLOW: the report shows when people use each service, so it is not public. */
  readonly adminAllow: readonly Cidr[]
  readonly limit: LimitHook
}

const errorReply = toResponseSchema(errorReplySchema)

/**
 * GET /api/energy?from=&to= (or ?period=today|7d|30d): energy used and saved, availability, wakes
 * and waits, from the database. Only to HALL_ADMIN_ALLOW addresses (where an admin session can
 * come from at all), and within the public routes' per-client budget: each answer reads SQLite.
 */
export const energyRoutes: FastifyPluginAsync<EnergyRouteOptions> = async (app, opts) => {
  const allowed = createProxyTrust(opts.adminAllow)
  app.addHook('onRequest', opts.limit)
  app.get('/api/energy', {
    schema: {
      querystring: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, period: { type: 'string', enum: ['today', '7d', '30d'] } }, additionalProperties: false },
      response: { 200: toResponseSchema(energyReportSchema), 400: errorReply, 403: errorReply, 429: errorReply }
    }
  }, async (req, reply) => {
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], opts.proxies)
    if (address === null || !allowed.trusts(address)) return await sendError(reply, 'HALL_ERR_ADMIN_NOT_ALLOWED')
    const now = opts.clock.now()
    const timeZone = hallTimeZone()
    const period = resolvePeriod(energyQuerySchema.parse(req.query), now, timeZone)
    if (typeof period === 'string') return await sendError(reply, 'HALL_ERR_HTTP_BAD_REQUEST', period)
    // reads only: in WAL mode another process's write lock does not hold them up
    const report = collectEnergyReport(opts.store, opts.fleet.config(), opts.energy, period, now, timeZone)
    return await reply.header('cache-control', 'no-store').send(report)
  })
}
