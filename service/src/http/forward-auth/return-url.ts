import { parseAuthority } from './authority.js'

/**
 * Where the waiting page may send the browser back to: an absolute http(s) URL on the very
 * domain being woken. Anything else (another host, a scheme trick, credentials) is refused,
 * so the waiting page can never be used as an open redirect.
 */
/** Longer original URLs come back to the domain's root: browsers and proxies cap URLs near 8 KiB. */
export const MAX_RETURN_URL_LENGTH = 4096

export function isSafeReturnUrl (domain: string, to: string): boolean {
  if (to.length > MAX_RETURN_URL_LENGTH || /[\s\\]/.test(to) || hasControlCharacter(to)) return false
  let url: URL
  try {
    url = new URL(to)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  if (url.username !== '' || url.password !== '') return false
  // the raw text must start with the scheme and "//": rejects "https:evil.test" style inputs
  if (!/^https?:\/\/[^/?#]/i.test(to)) return false
  // read as forward-auth reads X-Forwarded-Host: "app.example.com." is app.example.com
  const host = parseAuthority(url.hostname)?.host
  return host !== undefined && host === parseAuthority(domain)?.host
}

export function safeReturnUrl (domain: string, to: string | undefined): string {
  return to !== undefined && isSafeReturnUrl(domain, to) ? to : `https://${domain}/`
}

function hasControlCharacter (text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}
