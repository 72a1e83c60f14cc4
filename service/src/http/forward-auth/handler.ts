import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { ProxyTrust } from '../trusted-proxies.js'
import { decide, type Decision } from './decide.js'
import { readForwarded } from './forwarded.js'

export const FORWARD_AUTH_PATH = '/forward-auth'
/** nginx's auth_request accepts only 2xx, 401 and 403: this variant says "wait" with a 401 and its Location. */
export const FORWARD_AUTH_NGINX_PATH = '/forward-auth/nginx'

type Dialect = 'standard' | 'nginx'

export interface ForwardAuthOptions {
  readonly publicUrl: string
  readonly proxies: ProxyTrust
  readonly log: { error (obj: object, msg: string): void }
}

export interface ForwardAuthHandler {
  /** Answers the request and returns true when it is a forward-auth call; false leaves it to Fastify. */
  (req: IncomingMessage, res: ServerResponse): boolean
  /** While Hall shuts down, answer 503 so the proxy retries elsewhere instead of routing blind. */
  close (): void
}

/**
 * Traefik's forwardAuth target, called on every proxied request. It is answered on the raw
 * node:http request, ahead of Fastify: routing, hooks and a child logger per request cost more
 * than the whole decision (measured by `npm run bench`). Answers come from memory only; the wake,
 * the activity write and every log line happen beside this path.
 */
export function createForwardAuthHandler (fleet: Fleet, options: ForwardAuthOptions): ForwardAuthHandler {
  const { publicUrl, proxies, log } = options
  let closing = false
  const handler = (req: IncomingMessage, res: ServerResponse): boolean => {
    const dialect = forwardAuthDialect(req)
    if (dialect === null) return false
    try {
      respond(req, res, dialect)
    } catch (err) {
      // outside Fastify nothing else would catch this: a bug here must cost one answer, not the process
      log.error({ err }, 'forward-auth failed')
      if (!res.headersSent) send(res, 500, [], '{"error":"HALL_ERR_INTERNAL","message":"internal error"}')
    }
    return true
  }

  function respond (req: IncomingMessage, res: ServerResponse, dialect: Dialect): void {
    if (closing) {
      send(res, 503, ['retry-after', '1', 'connection', 'close'], '{"error":"HALL_ERR_INTERNAL","message":"Hall is shutting down"}')
      return
    }
    // X-Forwarded-Host decides what gets woken: anyone who could forge it could power servers on
    if (!proxies.trusts(req.socket.remoteAddress)) {
      send(res, 403, [], '{"error":"HALL_ERR_UNTRUSTED_PROXY","message":"forward-auth is answered only to the proxies in HALL_TRUSTED_PROXIES"}')
      return
    }
    const forwarded = readForwarded(req.headers)
    const view = forwarded.host === null ? undefined : fleet.lookup(forwarded.host)
    const decision = decide(view, forwarded, publicUrl)
    if (view !== undefined && decision.kind !== 'no-host' && decision.kind !== 'unknown-domain') {
      if (decision.counts) fleet.noteActivity(view.domain.host)
      if (decision.kind !== 'pass' && decision.wake) fleet.requestWake(view.server.name, 'request')
      if (decision.kind === 'unavailable' && decision.refusal !== null) fleet.noteRefusedWake(view.domain.host, decision.refusal)
    }
    answer(res, decision, dialect)
  }
  return Object.assign(handler, { close: () => { closing = true } })
}

function forwardAuthDialect (req: IncomingMessage): Dialect | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null
  const url = req.url ?? ''
  // Caddy appends the client's query string to the auth URI; Traefik sends the bare address
  const pathEnd = url.indexOf('?')
  const path = pathEnd === -1 ? url : url.slice(0, pathEnd)
  if (path === FORWARD_AUTH_PATH) return 'standard'
  if (path === FORWARD_AUTH_NGINX_PATH) return 'nginx'
  return null
}

function answer (res: ServerResponse, d: Decision, dialect: Dialect): void {
  switch (d.kind) {
    case 'pass':
      return send(res, 200, ['x-hall-server', d.server], '')
    case 'redirect':
      return send(res, dialect === 'nginx' ? 401 : 302, ['location', d.location], '')
    case 'unavailable':
      return send(res, 503, ['retry-after', String(d.retryAfterSeconds)],
        JSON.stringify({ domain: d.domain, state: d.state, retry_after_seconds: d.retryAfterSeconds }))
    case 'no-host':
      return send(res, dialect === 'nginx' ? 403 : 404, [], '{"error":"HALL_ERR_FORWARDED_HOST_MISSING","message":"X-Forwarded-Host is missing or not a host name"}')
    case 'unknown-domain':
      return send(res, dialect === 'nginx' ? 403 : 404, [], JSON.stringify({ error: 'HALL_ERR_DOMAIN_UNKNOWN', message: `Hall does not serve ${d.host}` }))
    default: {
      const never: never = d
      return never
    }
  }
}

/** Headers as a flat [name, value, ...] list: node writes it without building a header object. */
function send (res: ServerResponse, status: number, headers: string[], body: string): void {
  const all = ['cache-control', 'no-store', 'content-length', String(Buffer.byteLength(body)), ...headers]
  if (body !== '') all.push('content-type', 'application/json; charset=utf-8')
  res.writeHead(status, all)
  res.end(body)
}
