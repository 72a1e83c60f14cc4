import { boundedMemo } from '../bounded-memo.js'

/** Both names the portal's session cookie takes (portal-cookie.ts): neither reaches a project's app. */
const PORTAL_COOKIES = new Set(['hall_portal', '__Secure-hall_portal'])

/** Longer Cookie headers are filtered every time rather than kept: the memo stays a few MB at most. */
const MAX_MEMO_LENGTH = 1024

/**
 * The Cookie header a client project's app may see: the request's own, less the portal's session
 * cookie. That cookie is scoped to the parent domain, so every project host receives it; an app
 * run by one client must not collect another client's session and replay it at their project.
 * The proxy puts this back on the request (Traefik's authResponseHeaders, Caddy's copy_headers).
 * Null when the request carries no cookie at all.
 */
export function cookieForProject (header: string | string[] | undefined): string | null {
  if (header === undefined) return null
  const text = Array.isArray(header) ? header.join('; ') : header
  return text.length <= MAX_MEMO_LENGTH ? knownCookie(text) : withoutPortalCookie(text)
}

const knownCookie = boundedMemo(4096, withoutPortalCookie)

function withoutPortalCookie (text: string): string {
  if (!text.includes('hall_portal')) return text // the usual case: nothing to take out
  return text.split(';').filter(part => {
    const eq = part.indexOf('=')
    return !PORTAL_COOKIES.has((eq === -1 ? part : part.slice(0, eq)).trim())
  }).map(part => part.trim()).join('; ')
}
