import { randomBytes } from 'node:crypto'
import fastifyCookie from '@fastify/cookie'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Clock } from '../../clock.js'
import type { EnergyEnv } from '../../config/env.js'
import type { Cidr } from '../../config/cidr.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { HallStore } from '../../store/index.js'
import { errorBody, replyWithError } from '../error-answer.js'
import type { PowerHistory } from '../status-view.js'
import { createProxyTrust, type ProxyTrust } from '../trusted-proxies.js'
import { createAccountDirectory } from './account-directory.js'
import { createAdminGuard, type GuardDeps } from './admin-guard.js'
import { createAudit, type Audit } from './audit.js'
import { asCsrfError, requireCsrfOnPost } from './csrf.js'
import { forwardAuthAdminRoute } from './forward-auth-admin.js'
import type { HashGate } from './hash-gate.js'
import type { LoginGuards } from './login-guards.js'
import { loginRoutes } from './login-routes.js'
import { protectedRoutes } from './protected-routes.js'
import type { SessionCache } from './session-cache.js'
import { cookiePolicy } from './session-cookie.js'
import './session-types.js'
import type { ProjectDeps } from '../project-deps.js'

/** What main.ts hands the admin. */
export interface AdminDeps {
  readonly store: Pick<HallStore, 'db' | 'writes' | 'accounts' | 'sessions' | 'settings' | 'events' | 'requestedBy' | 'apiKeys' | 'uptime' | 'energyFacts' | 'activity'>
  /** HALL_ADMIN_ALLOW. */
  readonly adminAllow: readonly Cidr[]
  /** HALL_SESSION_SECRET; null: the one Hall made and keeps in its database. */
  readonly sessionSecret: string | null
  /** HALL_ENERGY_PRICE, HALL_CURRENCY, HALL_GATEWAY_WATTS for the Energy page; left out: no price, no gateway. */
  readonly energy?: EnergyEnv
}

export interface AdminRouteOptions extends AdminDeps {
  /** Shared with the portal and the projects' gate (app.ts makes it). */
  readonly sessions: SessionCache
  /** Client projects, for their admin pages; left out, none are shown. */
  readonly projects?: ProjectDeps
  readonly fleet: Fleet
  readonly history: PowerHistory
  readonly clock: Clock
  readonly publicUrl: string
  readonly proxies: ProxyTrust
  /** Failed-login counts and the scrypt queue, shared with the portal's login (app.ts makes them). */
  readonly logins: LoginGuards
}

/** Everything the pages plugin and the auth routes under /admin share. */
export interface AdminContext extends GuardDeps {
  readonly opts: AdminRouteOptions
  readonly audit: Audit
  readonly gate: HashGate
}

const SESSION_SECRET_KEY = 'session_secret'
/** A login form is a handful of fields; anything bigger is not one. */
const FORM_BODY_LIMIT_BYTES = 16 * 1024

/**
 * HALL_SESSION_SECRET, else one generated once and kept, so a restart keeps everyone logged in.
 * app.ts reads it once for the admin and the portal: two reads before the first write lands
 * could each make their own.
 */
export function sessionSecretOf (deps: Pick<AdminDeps, 'sessionSecret' | 'store'>): string {
  return deps.sessionSecret ?? deps.store.settings.getOrCreate(SESSION_SECRET_KEY, () => randomBytes(48).toString('base64url'))
}

/**
 * The admin: `/admin` (LAN only, login, sessions, CSRF on every POST, the pages) and
 * `/forward-auth/admin` (Traefik's dashboard riding on an admin session). Cookies are parsed
 * only here: no other route pays for it.
 */
export const adminRoutes: FastifyPluginAsync<AdminRouteOptions> = async (app, opts) => {
  const { store, clock } = opts
  const secret = sessionSecretOf(opts)
  await app.register(fastifyCookie, { secret, hook: 'onRequest' })
  const { sessions } = opts
  const ctx: AdminContext = {
    opts,
    proxies: opts.proxies,
    allowed: createProxyTrust(opts.adminAllow),
    sessions,
    policy: cookiePolicy(opts.publicUrl),
    secret,
    requestSessions: new WeakMap(),
    audit: createAudit({ events: store.events, requestedBy: store.requestedBy, clock }),
    gate: opts.logins.gate
  }
  app.register(forwardAuthAdminRoute, { ...ctx, publicUrl: opts.publicUrl })
  app.register(async (scope) => { await adminScope(scope, ctx) }, { prefix: '/admin' })
}

async function adminScope (app: FastifyInstance, ctx: AdminContext): Promise<void> {
  const { opts } = ctx
  app.decorateRequest('account', null)
  app.decorateRequest('adminClientAddress', null)
  // set by the guard before anything reads it; null only until then
  app.decorateRequest('session', null as unknown as FastifyRequest['session'])
  app.addHook('onRequest', createAdminGuard(ctx))
  // an unknown path under /admin gets the same guard first: outside the LAN it is a 403 like the rest
  app.setNotFoundHandler((_req, reply) => reply.code(404).send(errorBody('HALL_ERR_HTTP_NOT_FOUND')))
  app.setErrorHandler((err, req, reply) => replyWithError(asCsrfError(err), req, reply))
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES }, (_req, body, done) => {
    // no prototype: a field named __proto__ is only a name; a field sent twice keeps its last value
    done(null, Object.assign(Object.create(null), Object.fromEntries(new URLSearchParams(body as string))))
  })
  await requireCsrfOnPost(app)

  const directory = createAccountDirectory({ accounts: opts.store.accounts, sessions: ctx.sessions, gate: ctx.gate, clock: opts.clock, log: app.log })
  app.register(loginRoutes, { accounts: opts.store.accounts, sessions: ctx.sessions, policy: ctx.policy, secret: ctx.secret, limits: opts.logins.limits, gate: ctx.gate, audit: ctx.audit, clock: opts.clock })
  app.register(protectedRoutes, { ctx, directory })
}
