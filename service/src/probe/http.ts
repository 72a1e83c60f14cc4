import type * as NodeHttp from 'node:http'
import type { Agent as HttpAgent, IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { createRequire } from 'node:module'
import type { HealthCheck, StatusMatcher } from '../config/types.js'
import { bodyContains, drainBody } from './http-body.js'
import { createOriginSlots, type Release } from './origin-slots.js'
import { reasonOfError, type CheckResult } from './result.js'

export type HttpCheck = Extract<HealthCheck, { type: 'http' }>

export interface HttpProber {
  probe (check: HttpCheck, timeoutMs: number, signal?: AbortSignal): Promise<CheckResult>
  close (): Promise<void>
}

// health pages are small; a page that hides the marker past this is misconfigured, not slow
const bodyScanLimit = 64 * 1024
// at most two sockets per origin: a dead host probed every 500 ms cannot pile them up
const socketsPerOrigin = 2
// long enough to reuse a socket between 500 ms probes, short enough to notice a reboot
const idleSocketMs = 1_000
const headers = { 'user-agent': 'hall-probe', accept: '*/*' }

type TlsMode = 'plain' | 'verified' | 'insecure'

// required, not imported: from Node 22 on, an ESM import of node:http reads all its exports,
// and the lazy WebSocket one loads Node's bundled undici, over 1 MB of RSS for nothing here
const { Agent: PlainAgent, request: httpRequest } = createRequire(import.meta.url)('node:http') as typeof NodeHttp

/** Whether a status passes the check. A 5xx never does, whatever the matcher says. */
export function matchesStatus (matcher: StatusMatcher, status: number): boolean {
  // peers that treat any answer as "up" send users to a 502 while the app is still starting
  if (status >= 500) return false
  switch (matcher.kind) {
    case 'codes':
      return matcher.codes.includes(status)
    case 'class':
      return Math.floor(status / 100) === matcher.hundreds
    case 'below':
      return status < matcher.limit
    default: {
      const unknown: never = matcher
      return unknown
    }
  }
}

/**
 * HTTP checks over node:http, through keep-alive agents owned by this prober: one per TLS mode.
 * The timeout is not an agent setting: each probe has one deadline for connect, headers and body.
 * Redirects are not followed: a 3xx is the status the matcher judges.
 */
export function createHttpProber (): HttpProber {
  const agents = new Map<TlsMode, HttpAgent>()
  const slots = createOriginSlots(socketsPerOrigin)
  const inFlight = new Set<Promise<CheckResult>>()
  let closed = false

  function agentFor (mode: TlsMode): HttpAgent {
    let agent = agents.get(mode)
    if (agent === undefined) {
      // `timeout` closes a socket idle in the pool; a busy one is governed by the probe's deadline
      const options = { keepAlive: true, maxSockets: socketsPerOrigin, maxFreeSockets: socketsPerOrigin, timeout: idleSocketMs }
      // self-signed certificates are the norm on LAN servers, but only where the check says so
      agent = mode === 'plain' ? new PlainAgent(options) : new HttpsAgent({ ...options, rejectUnauthorized: mode === 'verified' })
      agents.set(mode, agent)
    }
    return agent
  }

  async function run (check: HttpCheck, timeoutMs: number, signal?: AbortSignal): Promise<CheckResult> {
    const started = performance.now()
    let status: number | null = null
    const result = (ok: boolean, reason: CheckResult['reason']): CheckResult => ({
      type: 'http', target: check.url, ok, alive: status !== null, reason, status, durationMs: performance.now() - started
    })
    if (closed) return result(false, 'error')

    // one deadline for the wait for a socket, connect, headers and body together. The caller's
    // signal feeds it too, by listener rather than AbortSignal.any, which leaks on a long-lived
    // parent in Node 20.
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(), timeoutMs)
    const onAbort = (): void => deadline.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    if (isAborted(signal)) deadline.abort()
    const cutShort = (): CheckResult | null =>
      isAborted(signal) ? result(false, 'error') : deadline.signal.aborted ? result(false, 'timeout') : null
    try {
      const url = new URL(check.url)
      const mode: TlsMode = url.protocol === 'https:' ? (check.insecureTls ? 'insecure' : 'verified') : 'plain'
      const release = await slots.acquire(`${mode} ${url.host}`, deadline.signal)
      const res = await get(url, agentFor(mode), deadline.signal, release)
      status = res.statusCode ?? null
      const statusOk = status !== null && matchesStatus(check.expectStatus, status)
      if (!statusOk || check.expectBody === null) {
        // read a small body so the socket can be reused; the verdict does not depend on it
        await drainBody(res, bodyScanLimit)
        return statusOk ? result(true, null) : result(false, 'status')
      }
      if (await bodyContains(res, check.expectBody, bodyScanLimit)) return result(true, null)
      // a body cut off by the deadline or the caller is not a body without the marker
      return cutShort() ?? result(false, 'body')
    } catch (err) {
      return cutShort() ?? result(false, reasonOfError(err))
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  function probe (check: HttpCheck, timeoutMs: number, signal?: AbortSignal): Promise<CheckResult> {
    const running = run(check, timeoutMs, signal)
    inFlight.add(running)
    void running.finally(() => inFlight.delete(running))
    return running
  }

  async function close (): Promise<void> {
    closed = true
    // like a graceful close: probes already running end by their own deadline at the latest
    await Promise.allSettled([...inFlight])
    for (const agent of agents.values()) agent.destroy()
    agents.clear()
  }

  return { probe, close }
}

function isAborted (signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}

/**
 * One GET, resolved with the response head. The origin's slot is released when the request
 * closes, after its socket went back to the agent's pool or was destroyed: the agent then always
 * has a socket to give, and never queues a request of its own.
 */
function get (url: URL, agent: HttpAgent, signal: AbortSignal, release: Release): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    try {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest
      // `signal` destroys the request, and with it the response being read, at the deadline
      const req = send(url, { agent, headers, signal })
      req.on('close', release)
      req.on('error', reject) // `on`, not `once`: a late second error must not go unhandled
      req.once('response', resolve)
      req.end()
    } catch (err) {
      release()
      reject(err)
    }
  })
}
