import type { IncomingHttpHeaders } from 'node:http'
import { boundedMemo } from '../bounded-memo.js'
import { formatAuthority, parseAuthority, type Authority } from './authority.js'

/** What the proxy tells Hall about the request it is holding (Traefik forwardAuth, Caddy forward_auth). */
export interface ForwardedRequest {
  /** Lower-case host without port or trailing dot, or null when the header is missing or not a host name. */
  readonly host: string | null
  /** That host with the port the browser used, if a valid one: for rebuilding the original URL. */
  readonly authority: string | null
  readonly proto: 'http' | 'https'
  readonly method: string
  /** Path and query as the client asked, in ASCII (other bytes percent-encoded); always starts with "/". */
  readonly uri: string
  readonly accept: string
  readonly userAgent: string
  readonly isWebsocket: boolean
}

/** A proxy sends the same few hosts over and over: each is parsed once (bounded, see bounded-memo.ts). */
const HOST_CACHE_LIMIT = 4096
const parseKnownHost = boundedMemo(HOST_CACHE_LIMIT, parseAuthority)
// a DNS name is at most 253 characters, a port 6 more: a longer header is no host, and is never
// kept, so a client sending endless long values cannot make the cache hold megabytes
const MAX_AUTHORITY_LENGTH = 259
const parseForwardedHost = (text: string): Authority | null => text.length > MAX_AUTHORITY_LENGTH ? null : parseKnownHost(text)

/** Pure and total: odd or hostile headers give a sane value, never an exception. */
export function readForwarded (headers: IncomingHttpHeaders): ForwardedRequest {
  const authority = parseForwardedHost(firstListed(headers['x-forwarded-host'])?.trim() ?? '')
  const proto = firstListed(headers['x-forwarded-proto'])?.trim().toLowerCase()
  const uri = percentEncodeHighBytes(first(headers['x-forwarded-uri']) ?? '/')
  return {
    host: authority?.host ?? null,
    authority: authority === null ? null : formatAuthority(authority),
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

const highByte = /[\x80-\xff]/

/**
 * Node hands header values over as latin1, one character per byte: a client that sent "/café" as
 * raw UTF-8 arrives here as "/cafÃ©". Escaping each of those bytes gives back exactly what was
 * sent, "/caf%C3%A9", where reading them as characters would encode them twice.
 */
function percentEncodeHighBytes (uri: string): string {
  if (!highByte.test(uri)) return uri // the usual case: an ASCII path, left as it is
  return uri.replace(/[\x80-\xff]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}
