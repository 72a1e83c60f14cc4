import type { FastifyPluginAsync } from 'fastify'
import { errorReplySchema } from '../../contract/error-reply.js'
import { toResponseSchema } from '../../contract/json-schema.js'
import type { Cidr } from '../../config/cidr.js'
import { sendError } from '../error-answer.js'
import type { HallMetrics } from '../metrics/hall-metrics.js'
import { createMetricsAccess } from '../metrics/metrics-access.js'
import { createProxyTrust, type ProxyTrust } from '../trusted-proxies.js'

export interface MetricsOptions {
  readonly metrics: HallMetrics
  readonly proxies: ProxyTrust
  /** HALL_ADMIN_ALLOW. */
  readonly adminAllow: readonly Cidr[]
  /** HALL_METRICS_TOKEN, or null. */
  readonly token: string | null
}

const errorReply = toResponseSchema(errorReplySchema)

/** GET /metrics: the Prometheus text format, for HALL_ADMIN_ALLOW addresses or a bearer token. */
export const metricsRoutes: FastifyPluginAsync<MetricsOptions> = async (app, opts) => {
  const access = createMetricsAccess({ proxies: opts.proxies, allowed: createProxyTrust(opts.adminAllow), token: opts.token })
  app.get('/metrics', {
    logLevel: 'warn', // scraped every few seconds
    schema: { response: { 200: { type: 'string' }, 401: errorReply, 403: errorReply } }
  }, async (req, reply) => {
    const refusal = access({ peer: req.socket.remoteAddress, forwardedFor: req.headers['x-forwarded-for'], authorization: req.headers.authorization })
    if (refusal === 'HALL_ERR_METRICS_TOKEN_INVALID') reply.header('www-authenticate', 'Bearer')
    if (refusal !== null) return await sendError(reply, refusal)
    const text = await opts.metrics.registry.metrics()
    return await reply.header('cache-control', 'no-store').type(opts.metrics.registry.contentType).send(text)
  })
}
