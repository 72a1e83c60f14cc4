import type { CookieSerializeOptions } from '@fastify/cookie'

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
