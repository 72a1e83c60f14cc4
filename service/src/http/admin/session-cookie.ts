import type { CookieSerializeOptions } from '@fastify/cookie'

/** How the admin's cookies are named and scoped, from HALL_PUBLIC_URL. */
export interface CookiePolicy {
  /** Holds the signed session id. */
  readonly session: string
  /** Holds the signed nonce the login form's CSRF token is bound to, before there is a session. */
  readonly login: string
  readonly options: CookieSerializeOptions
  /** Whether the browser reaches Hall over https. */
  readonly secure: boolean
}

/**
 * Over https the cookies carry the `__Host-` prefix: the browser then accepts them only with
 * Secure, no Domain and Path=/, so no other host (a sibling subdomain included) can set or
 * overwrite them. That prefix requires Path=/, so over https they reach all of Hall's host; over
 * plain http (a LAN without TLS) they are kept to /admin. Either way /admin/traefik/, where the
 * Traefik dashboard is served, receives the session cookie.
 */
export function cookiePolicy (publicUrl: string): CookiePolicy {
  const secure = new URL(publicUrl).protocol === 'https:'
  return {
    session: secure ? '__Host-hall_session' : 'hall_session',
    login: secure ? '__Host-hall_login' : 'hall_login',
    secure,
    options: {
      path: secure ? '/' : '/admin',
      httpOnly: true,
      sameSite: 'strict',
      secure,
      signed: true
      // no maxAge: a browser session cookie; the server ends the session after 30 min idle or 8 h
    }
  }
}
