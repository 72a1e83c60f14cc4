import type { FastifyRequest } from 'fastify'
import type { Clock } from '../../clock.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { ProjectDirectory } from '../../projects/directory.js'
import type { HallStore } from '../../store/index.js'
import type { Audit } from '../admin/audit.js'
import { csrfSecretFor, loginNonce } from '../admin/csrf.js'
import type { LoginGuards } from '../admin/login-guards.js'
import type { LiveSession, SessionCache } from '../admin/session-cache.js'
import type { CookiePolicy } from '../admin/session-cookie.js'
import type { LimitHook } from '../rate-limit.js'
import type { ProxyTrust } from '../trusted-proxies.js'
import type { PortalCookie } from './portal-cookie.js'
import type { PortalAccount } from './return-target.js'

export interface PortalOptions {
  readonly store: Pick<HallStore, 'accounts' | 'events' | 'requestedBy'>
  /** Shared with the admin and the projects' gate (app.ts makes it). */
  readonly sessions: SessionCache
  readonly directory: ProjectDirectory
  readonly fleet: Fleet
  readonly clock: Clock
  readonly publicUrl: string
  /** HALL_COOKIE_DOMAIN: the portal's cookie reaches the members projects under it. */
  readonly cookieDomain: string | null
  readonly proxies: ProxyTrust
  /** Signs the login form's nonce; the CSRF secrets are made from it (csrf.ts). */
  readonly secret: string
  /** The app's request budget per client, shared with the public pages. */
  readonly limit: LimitHook
  /** Failed-login counts and the scrypt queue, shared with the admin's login (app.ts makes them). */
  readonly logins: LoginGuards
}

/** A portal session found on a request, with the cookie's id (logout and a new login end it). */
export interface PortalSession { readonly id: string, readonly session: LiveSession }

/** What the login and the projects routes share. */
export interface PortalContext {
  readonly opts: PortalOptions
  readonly cookie: PortalCookie
  /** The login form's nonce cookie, before there is a session. */
  readonly loginPolicy: CookiePolicy
  /** Hall's own host, from HALL_PUBLIC_URL. */
  readonly publicHost: string
  readonly audit: Audit
  /** The request's portal session, as the guard found it; null when there is none. */
  sessionOf (req: FastifyRequest): PortalSession | null
}

export interface PortalRouteOptions { readonly ctx: PortalContext }

/** The session's account with its id, as the reach rule reads it (return-target.ts). */
export function accountOf (s: PortalSession): PortalAccount {
  return { ...s.session.account, userId: s.session.userId }
}

/** What @fastify/csrf-protection checks the login form's token against: its signed nonce; nothing before the form was shown. */
export function loginFormCsrf (req: FastifyRequest, ctx: Pick<PortalContext, 'loginPolicy' | 'opts'>): FastifyRequest['session'] {
  const nonce = loginNonce(req, ctx.loginPolicy)
  return nonce === null ? {} : { _csrf: csrfSecretFor(ctx.opts.secret, 'login', nonce) }
}
