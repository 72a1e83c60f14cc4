/**
 * A host and port as Hall compares and rebuilds them. Forward-auth reads X-Forwarded-Host with
 * this, and the waiting page reads the host of `to` with it: if the two sides disagreed on what
 * names the same host, the page would refuse the URL forward-auth built and lose the user's path.
 */
export interface Authority {
  /** Lower case, without the trailing dot of a fully qualified name. */
  readonly host: string
  /** 1-65535, or null for none. */
  readonly port: number | null
}

const hostPattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/

/**
 * `APP.example.com.:8443` is app.example.com on 8443. A port that is not one (`:99999`, `:0`,
 * `:abc`, a bare `:`) is dropped rather than kept: a URL carrying it cannot even be parsed.
 * Null when the host is not a DNS name (an IP literal, user info, a path, markup...).
 */
export function parseAuthority (text: string): Authority | null {
  const colon = text.indexOf(':')
  // "app.example.com." is the same DNS name, written fully qualified
  const host = (colon === -1 ? text : text.slice(0, colon)).toLowerCase().replace(/\.$/, '')
  if (host.length > 253 || !hostPattern.test(host)) return null
  const port = colon === -1 ? NaN : Number(/^\d{1,5}$/.exec(text.slice(colon + 1))?.[0])
  return { host, port: port >= 1 && port <= 65535 ? port : null }
}

export function formatAuthority (a: Authority): string {
  return a.port === null ? a.host : `${a.host}:${a.port}`
}
