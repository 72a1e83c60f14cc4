import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { ForwardAuthCounts } from '../metrics/forward-auth-counts.js'
import type { ProxyTrust } from '../trusted-proxies.js'
import { answerAccessRefused, answerDecision, answerInternalError, answerUntrustedProxy, type Dialect } from './answers.js'
import { isBrowserNavigation } from './browser-navigation.js'
import { decide } from './decide.js'
import { readForwarded } from './forwarded.js'
import type { ProjectAccess } from './project-access.js'
import { cookieForProject } from './project-cookie.js'

export const FORWARD_AUTH_PATH = '/forward-auth'
/** For nginx's auth_request: "wait" is a 401 with its Location (see answers.ts). */
export const FORWARD_AUTH_NGINX_PATH = '/forward-auth/nginx'

export interface ForwardAuthOptions {
  readonly publicUrl: string
  readonly proxies: ProxyTrust
  readonly log: { error (obj: object, msg: string): void }
  /** Answers by domain and outcome, for /metrics: plain increments. */
  readonly counts?: ForwardAuthCounts
  /** The gate of client projects' domains; without it, such a domain opens to nobody. */
  readonly projectAccess?: ProjectAccess
}

/** Answers the request and returns true when it is a forward-auth call; false leaves it to Fastify. */
export type ForwardAuthHandler = (req: IncomingMessage, res: ServerResponse) => boolean

/**
 * Traefik's forwardAuth target, called on every proxied request. It is answered on the raw
 * node:http request, ahead of Fastify: routing, hooks and a child logger per request cost more
 * than the whole decision (measured by `npm run bench`). Answers come from memory only; the wake,
 * the activity write and every log line happen beside this path.
 */
export function createForwardAuthHandler (fleet: Fleet, options: ForwardAuthOptions): ForwardAuthHandler {
  const { publicUrl, proxies, log, counts, projectAccess } = options
  const handler: ForwardAuthHandler = (req, res) => {
    const dialect = forwardAuthDialect(req)
    if (dialect === null) return false
    try {
      respond(req, res, dialect)
    } catch (err) {
      // outside Fastify nothing else would catch this: a bug here must cost one answer, not the process
      log.error({ err }, 'forward-auth failed')
      if (!res.headersSent) answerInternalError(res)
    }
    return true
  }

  function respond (req: IncomingMessage, res: ServerResponse, dialect: Dialect): void {
    // X-Forwarded-Host decides what gets woken: anyone who could forge it could power servers on
    if (!proxies.trusts(req.socket.remoteAddress)) { counts?.count(null, 'untrusted'); return answerUntrustedProxy(res) }
    const forwarded = readForwarded(req.headers)
    const view = forwarded.host === null ? undefined : fleet.lookup(forwarded.host)
    // a client project's gate comes first: a request it refuses neither wakes nor keeps awake
    const project = view?.domain.project ?? null
    if (project !== null) {
      const verdict = projectAccess?.(project, req.headers) ?? { kind: 'forbidden', code: 'HALL_ERR_PROJECT_FORBIDDEN', reason: 'no gate' } as const
      if (verdict.kind !== 'pass') {
        counts?.count(view!.domain.host, verdict.kind === 'login' ? 'login' : 'forbidden')
        return answerAccessRefused(res, verdict, forwarded, req.headers['accept-language'], publicUrl, dialect)
      }
    }
    const decision = decide(view, forwarded, publicUrl)
    counts?.count(view?.domain.host ?? null, decision.kind)
    if (view !== undefined && decision.kind !== 'no-host' && decision.kind !== 'unknown-domain') {
      if (decision.counts) fleet.noteActivity(view.domain.host)
      if (decision.kind !== 'unavailable' && isBrowserNavigation(forwarded)) fleet.noteNavigation(view.domain.host, decision.kind === 'redirect')
      if (decision.kind !== 'pass' && decision.wake) fleet.requestWake(view.server.name, 'request')
      if (decision.kind === 'unavailable' && decision.refusal !== null) fleet.noteRefusedWake(view.domain.host, decision.refusal)
    }
    // a project's app gets the request's cookies back from Hall, the portal's session taken out
    answerDecision(res, decision, dialect, project === null ? null : cookieForProject(req.headers.cookie))
  }
  return handler
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
