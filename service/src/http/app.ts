import { createServer } from 'node:http'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Clock } from '../clock.js'
import { formatCidr, type Cidr } from '../config/cidr.js'
import type { Fleet } from '../lifecycle/fleet.js'
import type { ApiKeys } from '../store/index.js'
import { createApiKeyAuth, createFailureLimiter } from './api-key-auth.js'
import { errorBody, replyWithError } from './error-answer.js'
import { createForwardAuthHandler } from './forward-auth/handler.js'
import { controlRoutes } from './routes/control.js'
import { eventRoutes } from './routes/events.js'
import { pageRoutes } from './routes/pages.js'
import { statusRoutes } from './routes/status.js'
import { traefikRoutes } from './routes/traefik.js'
import { createProxyTrust } from './trusted-proxies.js'
import type { PowerHistory } from './status-view.js'

export interface AppDeps {
  readonly fleet: Fleet
  readonly history: PowerHistory
  readonly clock: Clock
  readonly log: FastifyBaseLogger
  readonly publicUrl: string
  readonly trustedProxies: readonly Cidr[]
  readonly version: string
  /** Checks X-API-Key on POST /api/wol and /api/shutdown. */
  readonly apiKeys: Pick<ApiKeys, 'verify' | 'touch'>
}

/** The HTTP surface, unstarted: main.ts listens, tests inject or listen on port 0. */
export function buildApp (deps: AppDeps): FastifyInstance {
  const proxies = createProxyTrust(deps.trustedProxies)
  const forwardAuth = createForwardAuthHandler(deps.fleet, { publicUrl: deps.publicUrl, proxies, log: deps.log })
  const app = Fastify({
    loggerInstance: deps.log,
    return503OnClosing: true,
    // req.ip is the client's address only when the forwarded chain comes from a trusted proxy
    trustProxy: deps.trustedProxies.map(formatCidr),
    // a domain in /waiting/:domain and /api/status/:domain may be a full 253-character host name
    routerOptions: { maxParamLength: 253 },
    // a malformed URL or an over-long parameter: Hall's error shape, not Fastify's
    frameworkErrors: replyWithError,
    serverFactory: (fastifyHandler) => {
      const server = createServer((req, res) => { if (!forwardAuth(req, res)) fastifyHandler(req, res) })
      // Traefik keeps idle connections 90 s; a shorter Node default means reconnect churn
      server.keepAliveTimeout = 95_000
      return server
    }
  })
  app.addHook('preClose', async () => forwardAuth.close())

  app.setErrorHandler(replyWithError)
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(errorBody('HALL_ERR_HTTP_NOT_FOUND')))

  const startedAt = deps.clock.now()
  app.register(statusRoutes, { fleet: deps.fleet, history: deps.history, clock: deps.clock, startedAt, version: deps.version, proxies })
  app.register(pageRoutes, { fleet: deps.fleet, history: deps.history, clock: deps.clock })
  app.register(eventRoutes, { fleet: deps.fleet, history: deps.history, startedAt, clock: deps.clock })
  app.register(traefikRoutes, { fleet: deps.fleet, publicUrl: deps.publicUrl, proxies })
  const limiter = createFailureLimiter({ clock: deps.clock })
  app.register(controlRoutes, { fleet: deps.fleet, auth: createApiKeyAuth({ apiKeys: deps.apiKeys, clock: deps.clock, limiter, log: deps.log }) })
  return app
}
