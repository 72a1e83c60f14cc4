import fastifyCookie from '@fastify/cookie'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { createAudit } from '../admin/audit.js'
import { clientAddress } from '../client-address.js'
import { asCsrfError, csrfSecretFor, requireCsrfOnPost } from '../admin/csrf.js'
import { acceptForms } from '../admin/form-body.js'
import '../admin/session-types.js'
import { replyWithError, sendError } from '../error-answer.js'
import { loginFormCsrf, type PortalContext, type PortalOptions, type PortalSession } from './portal-context.js'
import { portalCookie, portalLoginPolicy } from './portal-cookie.js'
import { portalLogin } from './portal-login.js'
import { portalProjects } from './portal-projects.js'

export type { PortalOptions } from './portal-context.js'

/**
 * The client portal on Hall's public host: `/login`, `/logout`, `/projects` and the wake button.
 * Reachable from the internet, unlike /admin, so every answer is rate limited, never cached, and
 * every POST carries a CSRF token. Cookies are parsed here and in the admin only.
 */
export const portalRoutes: FastifyPluginAsync<PortalOptions> = async (app, opts) => {
  app.addHook('onRequest', opts.limit)
  await app.register(fastifyCookie, { secret: opts.secret, hook: 'onRequest' })
  const cookie = portalCookie(opts.publicUrl, opts.cookieDomain)
  const found = new WeakMap<FastifyRequest, PortalSession>()
  const ctx: PortalContext = {
    opts,
    cookie,
    loginPolicy: portalLoginPolicy(opts.publicUrl, cookie),
    publicHost: new URL(opts.publicUrl).hostname,
    audit: createAudit({ events: opts.store.events, requestedBy: opts.store.requestedBy, clock: opts.clock }),
    sessionOf: req => found.get(req) ?? null
  }
  app.decorateRequest('account', null)
  app.decorateRequest('adminClientAddress', null)
  // set by the guard before anything reads it
  app.decorateRequest('session', null as unknown as FastifyRequest['session'])
  app.addHook('onRequest', createPortalGuard(ctx, found))
  app.setErrorHandler((err, req, reply) => replyWithError(asCsrfError(err), req, reply))
  acceptForms(app)
  await requireCsrfOnPost(app)
  app.register(portalLogin, { ctx })
  app.register(portalProjects, { ctx })
}

/**
 * First on every portal request: `Cache-Control: no-store` (the back button after logout shows
 * nothing), the client's address (for the login limits and the event log), the portal session its
 * cookie names, checked in memory, and the secret its CSRF tokens are bound to: the session's,
 * or before one, the login form's nonce.
 */
function createPortalGuard (ctx: PortalContext, found: WeakMap<FastifyRequest, PortalSession>) {
  const { sessions, proxies, secret } = ctx.opts
  return async function guardPortal (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    reply.header('cache-control', 'no-store')
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], proxies)
    // a trusted proxy sent something that is not an address: never counted as the proxy's own
    if (address === null) return await sendError(reply, 'HALL_ERR_HTTP_BAD_REQUEST', 'the proxy in front of Hall sent no usable client address')
    req.adminClientAddress = address
    const id = req.cookies[ctx.cookie.name]
    const session = id === undefined ? null : sessions.check(id, 'portal')
    req.account = session?.account ?? null
    if (id !== undefined && session !== null) {
      found.set(req, { id, session })
      req.session = { _csrf: csrfSecretFor(secret, 'session', session.idHash) }
    } else {
      req.session = loginFormCsrf(req, ctx)
    }
    return undefined
  }
}
