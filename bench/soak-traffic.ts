import { performance } from 'node:perf_hooks'
import { phases } from '../service/src/lifecycle/states.js'
import { SOAK_SUFFIX } from './soak-fleet.js'
import type { Tally } from './soak-tally.js'

/**
 * The soak's clients: forward-auth as Traefik sends it (browser navigations, scripts' fetches,
 * crawlers, unknown hosts, the domain that changes with each reload), /api/status, one domain's
 * status and the waiting page, each in its own loop until the deadline. Every answer is checked.
 */

export interface TrafficContext {
  readonly hallUrl: string
  readonly publicUrl: string
  readonly serverOf: ReadonlyMap<string, string>
  /** Domains /api/status must list: the stable ones plus one generation domain. */
  readonly expectedDomainCount: number
  readonly tally: Tally
  /** The generation domain Hall has been seen to serve; null while a reload is in flight. */
  confirmedGeneration: string | null
  /** Loops end once this is false. */
  running (): boolean
}

export const REQUEST_TIMEOUT_MS = 2000
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
const knownPhases = new Set<string>(phases)

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

function pickOne<T> (items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!
}

type Request = { host: string, navigation: boolean, userAgent: string, expected: readonly number[] }

/** One forward-auth request from the mix, with the statuses a right answer may have. */
function nextRequest (ctx: TrafficContext, stable: readonly string[]): Request {
  const roll = Math.random()
  if (roll < 0.05) return { host: `nobody-${Math.floor(Math.random() * 1000)}${SOAK_SUFFIX}`, navigation: true, userAgent: FIREFOX, expected: [404] }
  if (roll < 0.10 && ctx.confirmedGeneration !== null) return { host: ctx.confirmedGeneration, navigation: true, userAgent: FIREFOX, expected: [200, 302] }
  if (roll < 0.15) return { host: pickOne(stable), navigation: true, userAgent: GOOGLEBOT, expected: [200, 503] } // never wakes
  if (roll < 0.50) return { host: pickOne(stable), navigation: false, userAgent: FIREFOX, expected: [200, 503] }
  return { host: pickOne(stable), navigation: true, userAgent: FIREFOX, expected: [200, 302] }
}

function checkForwardAuth (ctx: TrafficContext, r: Request, response: Response, body: string): string | null {
  if (!r.expected.includes(response.status)) return `${r.host} (${r.navigation ? 'navigation' : 'fetch'}, ${r.userAgent.slice(0, 20)}): status ${response.status}, expected ${r.expected.join(' or ')}`
  const server = ctx.serverOf.get(r.host) ?? (r.host.startsWith('gen-') ? 'sim-0' : null)
  switch (response.status) {
    case 200: return response.headers.get('x-hall-server') === server ? null : `${r.host}: X-Hall-Server ${response.headers.get('x-hall-server')}, expected ${server}`
    case 302: {
      const expected = `${ctx.publicUrl}/waiting/${encodeURIComponent(r.host)}?to=${encodeURIComponent(`https://${r.host}/`)}`
      return response.headers.get('location') === expected ? null : `${r.host}: Location ${response.headers.get('location')}, expected ${expected}`
    }
    case 503: return response.headers.get('retry-after') !== null && (JSON.parse(body) as { domain?: string }).domain === r.host ? null : `${r.host}: 503 without Retry-After or its domain: ${body}`
    default: return null
  }
}

export async function forwardAuthLoop (ctx: TrafficContext, pauseMs: number): Promise<void> {
  const stable = [...ctx.serverOf.keys()]
  while (ctx.running()) {
    const r = nextRequest(ctx, stable)
    const started = performance.now()
    try {
      const response = await fetch(`${ctx.hallUrl}/forward-auth`, {
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: { 'x-forwarded-host': r.host, 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', 'x-forwarded-for': '192.0.2.20', 'user-agent': r.userAgent, accept: r.navigation ? HTML : 'application/json' }
      })
      const body = await response.text()
      ctx.tally.forwardAuthLatency(performance.now() - started)
      ctx.tally.count('forward-auth')
      const problem = checkForwardAuth(ctx, r, response, body)
      if (problem !== null) ctx.tally.fail('forward-auth', problem)
    } catch (err) {
      ctx.tally.fail('forward-auth', `${r.host}: ${(err as Error).message}`)
    }
    await sleep(pauseMs)
  }
}

type Check = (response: Response, body: string) => string | null

/** GET a URL every `everyMs` and check its answer; `next` picks the URL and its check each time. */
export async function pollLoop (ctx: TrafficContext, kind: 'status' | 'domain-status' | 'waiting-page', everyMs: number,
  next: () => { url: string, check: Check }): Promise<void> {
  while (ctx.running()) {
    const { url, check } = next()
    try {
      const response = await fetch(`${ctx.hallUrl}${url}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), headers: { 'accept-language': 'en' } })
      const body = await response.text()
      ctx.tally.count(kind)
      const problem = check(response, body)
      if (problem !== null) ctx.tally.fail(kind, `${url}: ${problem}`)
    } catch (err) {
      ctx.tally.fail(kind, `${url}: ${(err as Error).message}`)
    }
    await sleep(everyMs)
  }
}

function checkStatusList (ctx: TrafficContext): Check {
  return (response, body) => {
    if (response.status !== 200) return `status ${response.status}`
    const domains = (JSON.parse(body) as { domains: Array<{ domain: string, state: string }> }).domains
    if (domains.length !== ctx.expectedDomainCount) return `${domains.length} domains, expected ${ctx.expectedDomainCount}`
    const odd = domains.find(d => !knownPhases.has(d.state))
    return odd === undefined ? null : `${odd.domain} in state ${odd.state}`
  }
}

function checkDomainStatus (domain: string): Check {
  return (response, body) => {
    if (response.status !== 200) return `status ${response.status}`
    const status = JSON.parse(body) as { domain: string, state: string }
    return status.domain === domain && knownPhases.has(status.state) ? null : `unexpected body ${body.slice(0, 200)}`
  }
}

function checkWaitingPage (domain: string): Check {
  return (response, body) => {
    if (response.status !== 200) return `status ${response.status}`
    if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) return `content-type ${response.headers.get('content-type')}`
    return body.includes(domain) ? null : 'the page does not name its domain'
  }
}

export function startPollers (ctx: TrafficContext): Array<Promise<void>> {
  const stable = [...ctx.serverOf.keys()]
  return [
    pollLoop(ctx, 'status', 1000, () => ({ url: '/api/status', check: checkStatusList(ctx) })),
    pollLoop(ctx, 'domain-status', 250, () => {
      const domain = pickOne(stable)
      return { url: `/api/status/${domain}`, check: checkDomainStatus(domain) }
    }),
    pollLoop(ctx, 'waiting-page', 250, () => {
      const domain = pickOne(stable)
      return { url: `/waiting/${domain}?to=${encodeURIComponent(`https://${domain}/report?id=7`)}`, check: checkWaitingPage(domain) }
    })
  ]
}
