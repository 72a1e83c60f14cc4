import type { ServerResponse } from 'node:http'
import { httpStatusOf, type ErrorCode } from '../../errors.js'
import { boundedMemo } from '../bounded-memo.js'
import { errorBody } from '../error-answer.js'
import { isBrowserNavigation } from './browser-navigation.js'
import type { Decision } from './decide.js'
import type { ForwardedRequest } from './forwarded.js'
import type { AccessVerdict } from './project-access.js'
import { refusalPage } from './refusal-page.js'
import { MAX_RETURN_URL_LENGTH } from './return-url.js'

/** nginx's auth_request accepts only 2xx, 401 and 403: its variant says "wait" with a 401, "no" with a 403. */
export type Dialect = 'standard' | 'nginx'

/** Status, flat header list and body of an answer whose bytes never change. */
interface FixedAnswer {
  readonly status: number
  readonly headers: string[]
  readonly body: string
}

// Built once at module load from the error table: this path runs on every proxied request.
const internalError = fixedError('HALL_ERR_INTERNAL')
// Connection: close, so the proxy's next attempt opens a connection to a Hall that is still up
const shuttingDown = fixedError('HALL_ERR_SHUTTING_DOWN', { headers: ['retry-after', '1', 'connection', 'close'] })
const untrustedProxy = fixedError('HALL_ERR_UNTRUSTED_PROXY', { message: 'forward-auth is answered only to the proxies in HALL_TRUSTED_PROXIES' })
const hostMissing = fixedError('HALL_ERR_FORWARDED_HOST_MISSING')
const loginRequired = fixedError('HALL_ERR_PROJECT_LOGIN_REQUIRED')

export function answerInternalError (res: ServerResponse): void {
  writeFixed(res, internalError)
}

export function answerShuttingDown (res: ServerResponse): void {
  writeFixed(res, shuttingDown)
}

export function answerUntrustedProxy (res: ServerResponse): void {
  writeFixed(res, untrustedProxy)
}

/** `cookie`: for a client project's pass, the Cookie header its app may see (project-cookie.ts); null for none. */
export function answerDecision (res: ServerResponse, d: Decision, dialect: Dialect, cookie: string | null = null): void {
  switch (d.kind) {
    case 'pass':
      // sent even when empty: the proxy then replaces the Cookie header with nothing
      res.writeHead(200, cookie === null ? passHeaders(d.server) : [...passHeaders(d.server), 'cookie', cookie])
      res.end()
      return
    case 'redirect':
      res.writeHead(dialect === 'nginx' ? 401 : 302, ['cache-control', 'no-store', 'content-length', '0', 'location', d.location])
      res.end()
      return
    case 'unavailable':
      return send(res, 503, ['retry-after', String(d.retryAfterSeconds)],
        JSON.stringify({ domain: d.domain, state: d.state, retry_after_seconds: d.retryAfterSeconds }))
    case 'no-host':
      return writeFixed(res, hostMissing, dialect === 'nginx' ? 403 : hostMissing.status)
    case 'unknown-domain': {
      const code = 'HALL_ERR_DOMAIN_UNKNOWN'
      return send(res, dialect === 'nginx' ? 403 : httpStatusOf(code), [], JSON.stringify(errorBody(code, `Hall does not serve ${d.host}`)))
    }
    default: {
      const never: never = d
      return never
    }
  }
}

/**
 * A client project's gate said no. A browser without a session is sent to the portal's login,
 * which sends it back here once signed in; any other client gets a 401 (no session) or a 403.
 */
/** `acceptLanguage`: the request's, read only here, for the refusal page (this is a rare answer). */
export function answerAccessRefused (res: ServerResponse, verdict: Exclude<AccessVerdict, { kind: 'pass' }>, req: ForwardedRequest, acceptLanguage: string | undefined, publicUrl: string, dialect: Dialect): void {
  const browser = isBrowserNavigation(req) && req.authority !== null
  const url = `${req.proto}://${req.authority ?? ''}${req.uri}`
  const back = url.length > MAX_RETURN_URL_LENGTH ? `${req.proto}://${req.authority ?? ''}/` : url
  if (verdict.kind === 'forbidden') {
    if (!browser) return send(res, 403, [], JSON.stringify(errorBody(verdict.code, verdict.reason)))
    // a person gets a page saying why, and how to sign in as someone else
    const page = refusalPage(verdict, acceptLanguage, publicUrl, back)
    res.writeHead(403, ['cache-control', 'no-store', 'content-length', String(Buffer.byteLength(page.html)), 'content-type', 'text/html; charset=utf-8',
      'content-security-policy', page.csp, 'x-content-type-options', 'nosniff'])
    res.end(page.html)
    return
  }
  if (!browser) return writeFixed(res, loginRequired)
  res.writeHead(dialect === 'nginx' ? 401 : 302, ['cache-control', 'no-store', 'content-length', '0', 'location', `${publicUrl}/login?to=${encodeURIComponent(back)}`])
  res.end()
}

// the most frequent answer of all: its headers are built once per server, not per request
const passHeaders = boundedMemo(4096, server => headersFor('', ['x-hall-server', server]))

function fixedError (code: ErrorCode, options: { message?: string, headers?: string[] } = {}): FixedAnswer {
  const body = JSON.stringify(errorBody(code, options.message))
  return { status: httpStatusOf(code), headers: headersFor(body, options.headers ?? []), body }
}

function writeFixed (res: ServerResponse, answer: FixedAnswer, status = answer.status): void {
  res.writeHead(status, answer.headers)
  res.end(answer.body)
}

function send (res: ServerResponse, status: number, headers: string[], body: string): void {
  res.writeHead(status, headersFor(body, headers))
  res.end(body)
}

/** Headers as a flat [name, value, ...] list: node writes it without building a header object. */
function headersFor (body: string, extra: string[]): string[] {
  const all = ['cache-control', 'no-store', 'content-length', String(Buffer.byteLength(body)), ...extra]
  if (body !== '') all.push('content-type', 'application/json; charset=utf-8')
  return all
}
