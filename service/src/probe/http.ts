import { Agent, request } from 'undici'
import type { HealthCheck, StatusMatcher } from '../config/types.js'
import { reasonOfError, type CheckResult } from './result.js'

export type HttpCheck = Extract<HealthCheck, { type: 'http' }>

export interface HttpProber {
  probe (check: HttpCheck, timeoutMs: number, signal?: AbortSignal): Promise<CheckResult>
  close (): Promise<void>
}

// health pages are small; a page that hides the marker past this is misconfigured, not slow
const bodyScanLimit = 64 * 1024

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
 * HTTP checks through undici agents owned by this prober. undici sets the connect timeout per
 * agent, not per request, so there is one agent per (timeout, TLS mode): servers share a few
 * timeout values, and every phase of a probe stays within its own timeoutMs.
 */
export function createHttpProber (): HttpProber {
  const agents = new Map<string, Agent>()
  let closed = false

  function agentFor (timeoutMs: number, insecureTls: boolean): Agent {
    const key = `${insecureTls ? 'insecure' : 'verified'}:${timeoutMs}`
    let agent = agents.get(key)
    if (agent === undefined) {
      agent = new Agent({
        // at most two sockets per origin: a dead host probed every 500 ms cannot pile them up
        connections: 2,
        pipelining: 1,
        // long enough to reuse a socket between 500 ms probes, short enough to notice a reboot
        keepAliveTimeout: 1_000,
        keepAliveMaxTimeout: 1_000,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        // self-signed certificates are the norm on LAN servers, but only where the check says so
        connect: insecureTls ? { timeout: timeoutMs, rejectUnauthorized: false } : { timeout: timeoutMs }
      })
      agents.set(key, agent)
    }
    return agent
  }

  async function probe (check: HttpCheck, timeoutMs: number, signal?: AbortSignal): Promise<CheckResult> {
    const started = performance.now()
    let status: number | null = null
    const result = (ok: boolean, reason: CheckResult['reason']): CheckResult => ({
      type: 'http', target: check.url, ok, alive: status !== null, reason, status, durationMs: performance.now() - started
    })
    if (closed) return result(false, 'error')

    // one deadline for connect, headers and body together: undici's own headers and body timers
    // tick about once a second, too coarse for a 300 ms probe. The caller's signal feeds it too,
    // by listener rather than AbortSignal.any, which leaks on a long-lived parent in Node 20.
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(), timeoutMs)
    const onAbort = (): void => deadline.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    if (isAborted(signal)) deadline.abort()
    try {
      const res = await request(check.url, {
        method: 'GET',
        dispatcher: agentFor(timeoutMs, check.insecureTls),
        headers: { 'user-agent': 'hall-probe', accept: '*/*' },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: deadline.signal
      })
      status = res.statusCode
      if (!matchesStatus(check.expectStatus, status) || check.expectBody === null) {
        // read a small body so the socket can be reused; the verdict does not depend on it
        await res.body.dump({ limit: bodyScanLimit }).catch(() => {})
        return matchesStatus(check.expectStatus, status) ? result(true, null) : result(false, 'status')
      }
      return await bodyContains(res.body, check.expectBody) ? result(true, null) : result(false, 'body')
    } catch (err) {
      if (isAborted(signal)) return result(false, 'error')
      if (deadline.signal.aborted) return result(false, 'timeout')
      return result(false, reasonOfError(err))
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  async function close (): Promise<void> {
    closed = true
    const open = [...agents.values()]
    agents.clear()
    await Promise.all(open.map(a => a.close()))
  }

  return { probe, close }
}

function isAborted (signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}

/** Looks for `needle` in the first 64 KiB, then stops reading: the stream is destroyed either way. */
async function bodyContains (body: AsyncIterable<Buffer> & { destroy (): unknown }, needle: string): Promise<boolean> {
  const wanted = Buffer.from(needle)
  let seen = Buffer.alloc(0)
  try {
    for await (const chunk of body) {
      // search the concatenation so a marker split across chunks is still found
      seen = Buffer.concat([seen, chunk]).subarray(0, bodyScanLimit)
      if (seen.includes(wanted)) return true
      if (seen.length >= bodyScanLimit) return false
    }
    return false
  } finally {
    body.destroy()
  }
}
