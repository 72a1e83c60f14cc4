import type { FastifyReply, FastifyRequest } from 'fastify'
import { sendError } from '../error-answer.js'
import type { ProxyTrust } from '../trusted-proxies.js'
import { clientAddress } from '../client-address.js'
import { csrfSecretFor, loginNonce } from './csrf.js'
import type { LiveSession, SessionCache } from './session-cache.js'
import type { CookiePolicy } from './session-cookie.js'

export interface GuardDeps {
  readonly proxies: ProxyTrust
  /** HALL_ADMIN_ALLOW, as a matcher (createProxyTrust matches any CIDR list). */
  readonly allowed: ProxyTrust
  readonly sessions: SessionCache
  readonly policy: CookiePolicy
  /** Signs the cookies; the CSRF secrets are made from it too. */
  readonly secret: string
  /** Where the guard leaves each request's session, for the account directory (admin-routes.ts). */
  readonly requestSessions: WeakMap<FastifyRequest, LiveSession>
}

/** The address rule of the admin: null (refused) when it is not on HALL_ADMIN_ALLOW. */
export function allowedClient (req: FastifyRequest, deps: Pick<GuardDeps, 'proxies' | 'allowed'>): string | null {
  const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], deps.proxies)
  return address !== null && deps.allowed.trusts(address) ? address : null
}

/** The session the request's signed cookie names, checked (and its idle time restarted) in memory. */
export function sessionOf (req: FastifyRequest, deps: Pick<GuardDeps, 'sessions' | 'policy'>): { id: string, session: LiveSession } | null {
  const raw = req.cookies[deps.policy.session]
  if (raw === undefined) return null
  const unsigned = req.unsignCookie(raw)
  if (!unsigned.valid || unsigned.value === null) return null
  const session = deps.sessions.check(unsigned.value, 'admin')
  return session === null ? null : { id: unsigned.value, session }
}

/**
 * First on every /admin request, unknown paths included: outside HALL_ADMIN_ALLOW a plain 403
 * (no form, no hint); then `Cache-Control: no-store` (the back button after logout shows
 * nothing), the account of a valid session, and the secret its CSRF tokens are bound to.
 */
export function createAdminGuard (deps: GuardDeps) {
  return async function guardAdmin (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    reply.header('cache-control', 'no-store')
    const address = allowedClient(req, deps)
    req.adminClientAddress = address
    if (address === null) return await sendError(reply, 'HALL_ERR_ADMIN_NOT_ALLOWED')
    const found = sessionOf(req, deps)
    req.account = found?.session.account ?? null
    if (found !== null) {
      deps.requestSessions.set(req, found.session)
      req.session = { _csrf: csrfSecretFor(deps.secret, 'session', found.session.idHash) }
    } else {
      const nonce = loginNonce(req, deps.policy)
      req.session = nonce === null ? {} : { _csrf: csrfSecretFor(deps.secret, 'login', nonce) }
    }
    return undefined
  }
}
