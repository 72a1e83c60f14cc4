import type { FastifyPluginAsync } from 'fastify'
import { sendError } from '../error-answer.js'
import { readForwarded } from '../forward-auth/forwarded.js'
import { allowedClient, sessionOf, type GuardDeps } from './admin-guard.js'
import { safeNext } from './login-routes.js'

export interface ForwardAuthAdminOptions extends Pick<GuardDeps, 'proxies' | 'allowed' | 'sessions' | 'policy'> {
  readonly publicUrl: string
}

/**
 * `GET /forward-auth/admin`: Traefik's forwardAuth target for its own dashboard, served under
 * Hall's host at /admin/traefik/ so the browser sends Hall's session cookie along. 200 for a
 * client on HALL_ADMIN_ALLOW with a valid session of the admin role; otherwise a 302 to Hall's
 * login page, which comes back to the dashboard path afterwards. Answered to trusted proxies only.
 */
export const forwardAuthAdminRoute: FastifyPluginAsync<ForwardAuthAdminOptions> = async (app, opts) => {
  const publicHost = new URL(opts.publicUrl).hostname
  app.get('/forward-auth/admin', { logLevel: 'warn' }, async (req, reply) => {
    reply.header('cache-control', 'no-store')
    if (!opts.proxies.trusts(req.socket.remoteAddress)) {
      return await sendError(reply, 'HALL_ERR_UNTRUSTED_PROXY', 'the dashboard check is answered only to the proxies in HALL_TRUSTED_PROXIES')
    }
    // Traefik's own ipAllowList is the first lock; this is the second
    if (allowedClient(req, opts) === null) return await sendError(reply, 'HALL_ERR_ADMIN_NOT_ALLOWED')
    if (sessionOf(req, opts)?.session.account.role === 'admin') return await reply.code(200).send()
    const forwarded = readForwarded(req.headers)
    // back to the page asked for, if it is one of Hall's own admin paths; else the overview
    const next = safeNext(forwarded.host === publicHost ? forwarded.uri : undefined)
    return await reply.redirect(`${opts.publicUrl}/admin/login?next=${encodeURIComponent(next)}`, 302)
  })
}
