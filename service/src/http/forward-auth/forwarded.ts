import type { IncomingHttpHeaders } from 'node:http'

/** What the proxy tells Hall about the request it is holding (Traefik forwardAuth, Caddy forward_auth). */
export interface ForwardedRequest {
  /** Lower-case host without port, or null when the header is missing or not a host name. */
  readonly host: string | null
  /** The host as the browser wrote it (with its port), for rebuilding the original URL. */
  readonly authority: string | null
  readonly proto: 'http' | 'https'
  readonly method: string
  /** Path and query as the client asked; always starts with "/". */
  readonly uri: string
  readonly accept: string
  readonly userAgent: string
  readonly isWebsocket: boolean
}

const hostPattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/

/** Pure and total: odd or hostile headers give a sane value, never an exception. */
export function readForwarded (headers: IncomingHttpHeaders): ForwardedRequest {
  const authority = firstListed(headers['x-forwarded-host'])?.trim().toLowerCase() ?? ''
  const host = hostOf(authority)
  const proto = firstListed(headers['x-forwarded-proto'])?.trim().toLowerCase()
  const uri = first(headers['x-forwarded-uri']) ?? '/'
  return {
    host,
    authority: host === null ? null : authority,
    proto: proto === 'http' || proto === 'ws' ? 'http' : 'https',
    method: (firstListed(headers['x-forwarded-method']) ?? 'GET').trim().toUpperCase(),
    // a URI that is not origin-form ("//evil.test", "http://...") is not the user's path: use "/"
    uri: uri.startsWith('/') && !uri.startsWith('//') && !/[\s\\]/.test(uri) ? uri : '/',
    accept: first(headers.accept) ?? '',
    userAgent: first(headers['user-agent']) ?? '',
    // Traefik strips Upgrade from the auth call but keeps Sec-WebSocket-*; Caddy passes Upgrade
    isWebsocket: headers['sec-websocket-key'] !== undefined || /websocket/i.test(first(headers.upgrade) ?? '') ||
      proto === 'ws' || proto === 'wss'
  }
}

function first (value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** Proxies in a chain append to X-Forwarded-Host/-Proto ("a.example, b.example"): the first is the client's. */
function firstListed (value: string | string[] | undefined): string | undefined {
  const text = first(value)
  const comma = text?.indexOf(',') ?? -1
  return comma === -1 ? text : text!.slice(0, comma)
}

function hostOf (authority: string): string | null {
  const withoutPort = authority.replace(/:\d{1,5}$/, '').replace(/\.$/, '')
  return withoutPort.length <= 253 && hostPattern.test(withoutPort) ? withoutPort : null
}
