import type * as NodeHttp from 'node:http'
import type { Server } from 'node:http'
import { createRequire } from 'node:module'
import fastifyHelmet from '@fastify/helmet'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Clock } from '../clock.js'
import { formatCidr, type Cidr } from '../config/cidr.js'
import type { Fleet } from '../lifecycle/fleet.js'
import type { ApiKeys } from '../store/index.js'
import { adminRoutes, sessionSecretOf, type AdminDeps } from './admin/admin-routes.js'
import { createApiKeyAuth, createFailureLimits } from './api-key-auth.js'
import { errorBody, replyWithError } from './error-answer.js'
import { answerShuttingDown } from './forward-auth/answers.js'
import { createForwardAuthHandler } from './forward-auth/handler.js'
import { createProjectAccess } from './forward-auth/project-access.js'
import { createLoginGuards } from './admin/login-guards.js'
import { createSessionCache, type SessionCache } from './admin/session-cache.js'
import { portalCookie, type PortalCookie } from './portal/portal-cookie.js'
import { portalRoutes } from './portal/portal-routes.js'
import type { ProjectDeps } from './project-deps.js'
import type { HallMetrics } from './metrics/hall-metrics.js'
import { metricsRequestHooks } from './metrics/request-hooks.js'
import { controlRoutes } from './routes/control.js'
import { energyRoutes, type EnergyRouteOptions } from './routes/energy.js'
import { eventRoutes } from './routes/events.js'
import { metricsRoutes } from './routes/metrics.js'
import { healthRoutes, type HallVitals } from './routes/health.js'
import { pageRoutes } from './routes/pages.js'
import { projectRoutes } from './routes/projects.js'
import { redirectRoutes } from './routes/redirect.js'
import { statusRoutes } from './routes/status.js'
import { traefikRoutes } from './routes/traefik.js'
import { lazyCompilers } from './lazy-compilers.js'
import { securityHeaders } from './security-headers.js'
import { createRequestLimiter, limitRequests } from './rate-limit.js'
import { createProxyTrust } from './trusted-proxies.js'
import type { RecentPowerHistory } from './recent-power-history.js'

// required, not imported: an ESM import of node:http also loads Node's bundled undici (Node 22+),
// a few MB the service never uses (tests/integration/serve/loaded-packages.test.ts)
const { createServer } = createRequire(import.meta.url)('node:http') as typeof NodeHttp

export interface AppDeps {
  readonly fleet: Fleet
  /** In memory, kept current by the store the fleet writes through (recent-power-history.ts). */
  readonly history: RecentPowerHistory
  readonly clock: Clock
  readonly log: FastifyBaseLogger
  readonly publicUrl: string
  readonly trustedProxies: readonly Cidr[]
  readonly version: string
  /** Checks X-API-Key on POST /api/wol, /api/shutdown and /api/projects. */
  readonly apiKeys: Pick<ApiKeys, 'verify' | 'touch'>
  /** The admin (/admin, /forward-auth/admin); left out, neither is served. */
  readonly admin?: AdminDeps
  /** GET /metrics for HALL_ADMIN_ALLOW addresses or HALL_METRICS_TOKEN; left out, not served. */
  readonly metrics?: { readonly hall: HallMetrics, readonly adminAllow: readonly Cidr[], readonly token: string | null }
  /** GET /api/energy for HALL_ADMIN_ALLOW addresses; left out, not served. */
  readonly energy?: Pick<EnergyRouteOptions, 'store' | 'energy' | 'adminAllow'>
  /** For GET /api/health: the database's write backlog and when the config was loaded. */
  readonly vitals?: HallVitals
  /** Client projects: their gate on forward-auth, the portal, and their pages and API; needs `admin`. */
  readonly projects?: ProjectDeps
}

/**
 * Once Hall stops, requests under way get this long to finish; then every connection is cut.
 * Hall's answers take milliseconds, so 3 s only ever waits for a slow or stalled client, which
 * would otherwise hold the process open past systemd's TimeoutStopSec (20 s) and earn a SIGKILL.
 */
export const CLOSE_GRACE_MS = 3000

/** The HTTP surface, unstarted: main.ts listens, tests inject or listen on port 0. */
export function buildApp (deps: AppDeps): FastifyInstance {
  const proxies = createProxyTrust(deps.trustedProxies)
  // one session cache for the admin, the portal and the members projects' gate: checked from memory
  const admin = deps.admin
  const sessions: SessionCache | null = admin === undefined ? null : createSessionCache({ sessions: admin.store.sessions, pendingWrites: () => admin.store.writes.size(), clock: deps.clock })
  const portal: PortalCookie = portalCookie(deps.publicUrl, deps.projects?.cookieDomain ?? null)
  const projectAccess = deps.projects === undefined || sessions === null
    ? undefined
    : createProjectAccess({ directory: deps.projects.directory, sessions, cookieName: portal.name, now: () => deps.clock.now() })
  const forwardAuth = createForwardAuthHandler(deps.fleet, { publicUrl: deps.publicUrl, proxies, log: deps.log, counts: deps.metrics?.hall.forwardAuth, projectAccess })
  let closing = false
  const app = Fastify({
    // every route's schemas are compiled on the route's first use, not at start (lazy-compilers.ts)
    schemaController: { compilersFactory: lazyCompilers() },
    loggerInstance: deps.log,
    // while Hall stops, the server below answers every route itself, in Hall's error shape
    return503OnClosing: false,
    // req.ip is the client's address only when the forwarded chain comes from a trusted proxy
    trustProxy: deps.trustedProxies.map(formatCidr),
    // a domain in /waiting/:domain and /api/status/:domain may be a full 253-character host name
    routerOptions: { maxParamLength: 253 },
    // a malformed URL or an over-long parameter: Hall's error shape, not Fastify's
    frameworkErrors: replyWithError,
    serverFactory: (fastifyHandler) => {
      const server = createServer((req, res) => {
        // what still arrives while Hall stops (on a connection open before) is told to retry:
        // the same 503 for the proxy's forward-auth call and for every other route
        if (closing) answerShuttingDown(res)
        else if (!forwardAuth(req, res)) fastifyHandler(req, res)
      })
      // Traefik keeps idle connections 90 s; a shorter Node default means reconnect churn
      server.keepAliveTimeout = 95_000
      return server
    }
  })
  // preClose runs before Fastify closes the listener and the idle connections
  app.addHook('preClose', async () => {
    closing = true
    cutConnectionsAfterGrace(app.server)
  })

  app.setErrorHandler(replyWithError)
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(errorBody('HALL_ERR_HTTP_NOT_FOUND')))
  app.register(fastifyHelmet, securityHeaders(deps.publicUrl))

  if (deps.metrics !== undefined) {
    // first: the hooks counting waiting pages and event streams must see the routes registered after them
    app.register(metricsRequestHooks, { metrics: deps.metrics.hall })
    app.register(metricsRoutes, { metrics: deps.metrics.hall, proxies, adminAllow: deps.metrics.adminAllow, token: deps.metrics.token })
  }
  const startedAt = deps.clock.now()
  // one budget per client across the public routes; forward-auth is answered before Fastify, uncounted
  const limit = limitRequests(createRequestLimiter({ clock: deps.clock }))
  app.register(statusRoutes, { fleet: deps.fleet, history: deps.history, clock: deps.clock, startedAt, version: deps.version, proxies, limit })
  // the servers' names and states go to the admin's addresses only (the LAN, where monitors run)
  const healthDetailsFor = createProxyTrust(deps.admin?.adminAllow ?? deps.trustedProxies)
  app.register(healthRoutes, { fleet: deps.fleet, history: deps.history, clock: deps.clock, startedAt, version: deps.version, vitals: deps.vitals, limit, proxies, detailsFor: healthDetailsFor })
  app.register(pageRoutes, { fleet: deps.fleet, history: deps.history, clock: deps.clock, limit })
  app.register(eventRoutes, { fleet: deps.fleet, history: deps.history, startedAt, clock: deps.clock, limit })
  const projectList = deps.projects === undefined ? undefined : deps.projects.directory.list
  app.register(traefikRoutes, { fleet: deps.fleet, publicUrl: deps.publicUrl, proxies, adminAllow: deps.admin?.adminAllow, projects: projectList })
  // one key check, and one budget of refused keys, for every route behind X-API-Key
  const apiKeyAuth = createApiKeyAuth({ apiKeys: deps.apiKeys, clock: deps.clock, limits: createFailureLimits(deps.clock), log: deps.log })
  app.register(controlRoutes, { fleet: deps.fleet, auth: apiKeyAuth })
  if (deps.projects !== undefined) app.register(projectRoutes, { fleet: deps.fleet, projects: deps.projects, auth: apiKeyAuth })
  app.register(redirectRoutes, { fleet: deps.fleet, publicUrl: deps.publicUrl, limit })
  if (deps.energy !== undefined) app.register(energyRoutes, { ...deps.energy, fleet: deps.fleet, clock: deps.clock, proxies, limit })
  if (admin !== undefined && sessions !== null) {
    app.addHook('onClose', async () => { sessions.stop() })
    const sessionSecret = sessionSecretOf(admin)
    // the admin's and the portal's logins sign in the same accounts: one lockout count, one scrypt queue
    const logins = createLoginGuards(deps.clock)
    app.register(adminRoutes, { ...admin, sessionSecret, sessions, logins, projects: deps.projects, fleet: deps.fleet, history: deps.history, clock: deps.clock, publicUrl: deps.publicUrl, proxies })
    if (deps.projects !== undefined) {
      // the client portal (/login, /logout, /projects) on the public host, within the same request budget
      app.register(portalRoutes, { store: admin.store, sessions, directory: deps.projects.directory, fleet: deps.fleet, clock: deps.clock, publicUrl: deps.publicUrl, cookieDomain: deps.projects.cookieDomain, proxies, secret: sessionSecret, limit, logins })
    }
  }
  return app
}

function cutConnectionsAfterGrace (server: Server): void {
  // server.close() stops checking headersTimeout: a client sending a byte a second is never cut
  const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref()
  server.once('close', () => clearTimeout(timer))
}
