import type { CookieSerializeOptions } from '@fastify/cookie'
import type { CookiePolicy } from '../admin/session-cookie.js'

/** How the portal's session cookie is named and scoped. */
export interface PortalCookie {
  readonly name: string
  readonly options: CookieSerializeOptions
}

/**
 * The portal's session must reach the client projects' hosts, so unlike the admin's `__Host-`
 * cookie it carries a Domain: HALL_COOKIE_DOMAIN. Over https it takes the `__Secure-` prefix (a
 * plain-http page cannot set it). SameSite=Lax: a link from a mail or another site to a project
 * must arrive with it; the cookie opens projects only, and every form of the portal carries a CSRF
 * token. Not signed: the id is 256 random bits, only its hash is stored, and an unsigned cookie
 * spares the forward-auth path an HMAC per request.
 */
export function portalCookie (publicUrl: string, cookieDomain: string | null): PortalCookie {
  const secure = new URL(publicUrl).protocol === 'https:'
  return {
    name: secure ? '__Secure-hall_portal' : 'hall_portal',
    options: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      ...(cookieDomain === null ? {} : { domain: cookieDomain })
      // no maxAge: a browser session cookie; the server ends the session after 30 min idle or 8 h
    }
  }
}

/**
 * The portal's login form, before there is a session: its CSRF token is bound to a signed nonce
 * in this cookie, as the admin's is (csrf.ts). Hall's own host only (no Domain, `__Host-` over
 * https), SameSite=Strict: only Hall's own form posts it. Named apart from the admin's, whose
 * plain-http cookie lives under /admin.
 */
export function portalLoginPolicy (publicUrl: string, session: PortalCookie): CookiePolicy {
  const secure = new URL(publicUrl).protocol === 'https:'
  return {
    session: session.name,
    login: secure ? '__Host-hall_portal_login' : 'hall_portal_login',
    secure,
    options: { path: '/', httpOnly: true, sameSite: 'strict', secure, signed: true }
  }
}
