import { createHmac, randomBytes } from 'node:crypto'
import fastifyCsrf from '@fastify/csrf-protection'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HallError } from '../../errors.js'
import type { CookiePolicy } from './session-cookie.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * What @fastify/csrf-protection reads in its session mode: the secret this request's CSRF
     * tokens are made from and checked against. Set for every /admin request (admin-guard.ts).
     */
    session: { _csrf?: string }
  }
}

/**
 * The CSRF secret is never stored: it is an HMAC, under the session secret, of the session's id
 * hash (once logged in) or of the login form's nonce (before). A token is therefore good for one
 * session only, and a cookie planted from a sibling subdomain cannot supply a secret of its own.
 */
export function csrfSecretFor (key: string, purpose: 'session' | 'login', id: string): string {
  return createHmac('sha256', key).update(`hall csrf ${purpose} ${id}`).digest('base64url')
}

/** The nonce behind the login form's token, from its signed cookie; null when there is none yet. */
export function loginNonce (req: FastifyRequest, policy: CookiePolicy): string | null {
  const raw = req.cookies[policy.login]
  if (raw === undefined) return null
  const unsigned = req.unsignCookie(raw)
  return unsigned.valid && unsigned.value !== null ? unsigned.value : null
}

/** Gives the login form a nonce (a cookie) if it has none, and returns the token to put in the form. */
export function loginCsrfToken (req: FastifyRequest, reply: FastifyReply, policy: CookiePolicy, key: string): string {
  if (req.account === null && req.session._csrf === undefined) {
    const nonce = randomBytes(18).toString('base64url')
    reply.setCookie(policy.login, nonce, policy.options)
    req.session._csrf = csrfSecretFor(key, 'login', nonce)
  }
  return reply.generateCsrf()
}

/**
 * Registers @fastify/csrf-protection in `app` (the /admin scope) and checks the token of every
 * POST before its handler runs: from the `_csrf` form field or the `csrf-token` header. A missing
 * or wrong token is HALL_ERR_ADMIN_CSRF (403).
 */
export async function requireCsrfOnPost (app: FastifyInstance): Promise<void> {
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session', logLevel: 'debug' })
  app.addHook('preHandler', (req, reply, done) => {
    if (req.method !== 'POST') { done(); return }
    app.csrfProtection(req, reply, done)
  })
}

/** The plugin's own errors (FST_CSRF_*) in Hall's words. */
export function asCsrfError (err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('FST_CSRF_')
    ? new HallError('HALL_ERR_ADMIN_CSRF', 'the form is out of date or did not come from Hall: reload the page and try again')
    : err
}
