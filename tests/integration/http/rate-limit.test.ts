import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { parseCidr } from '../../../service/src/config/cidr.js'
import { parseConfig } from '../../../service/src/config/load.js'
import { buildApp } from '../../../service/src/http/app.js'
import { REQUEST_BURST, REQUESTS_PER_SECOND } from '../../../service/src/http/rate-limit.js'
import { rememberPowerHistory } from '../../../service/src/http/recent-power-history.js'
import { createFleet } from '../../../service/src/lifecycle/fleet.js'
import { openHallStore, powerHistory } from '../../../service/src/store/index.js'
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock.js'

// Every public route shares one budget per client address: REQUEST_BURST at once, then
// REQUESTS_PER_SECOND. The address is req.ip: behind the trusted proxy (127.0.0.1 here) the
// X-Forwarded-For entry it appended, from anyone else the TCP peer. Time is a fake clock's, so
// no token comes back while the test runs unless it says so.

const DOMAIN = 'app.hall.test'
const PROXY = '127.0.0.1'
const PUBLIC_ROUTES = ['/healthz', '/api/status', `/api/status/${DOMAIN}`, '/', `/waiting/${DOMAIN}`, '/assets/hall.css']
const RATE_LIMITED = { error: 'HALL_ERR_HTTP_RATE_LIMITED', message: 'too many requests from this address; retry later' }

async function startHall (t: TestContext): Promise<{ app: FastifyInstance, clock: FakeClock }> {
  const dir = mkdtempSync(join(tmpdir(), 'hall-rate-limit-'))
  const store = openHallStore(join(dir, 'hall.db'))
  const clock = createFakeClock()
  const config = parseConfig(JSON.stringify({
    servers: { lab: { ip: '127.0.0.1', mac: '02:00:00:00:00:09' } },
    domains: { [DOMAIN]: { server: 'lab', upstream: 'http://127.0.0.1:9' } }
  }))
  const recent = rememberPowerHistory(powerHistory(store), store, config.servers.keys())
  const fleet = createFleet({
    config,
    clock,
    store: recent.store,
    log: { info () {}, warn () {}, error () {} },
    // the LAN is a script: the server is asleep, and nothing is ever sent
    prober: { probe: async () => ({ alive: false, ready: false, checks: [] }) },
    waker: { wake: async () => ({ method: 'udp', packetsSent: 0, exitCode: null, stderr: null, durationMs: 0 }) },
    shutdowner: { isBusy: async () => false, shutdown: async () => ({ exitCode: 0, stderr: '', durationMs: 0 }) }
  })
  const app = buildApp({
    fleet,
    history: recent.history,
    clock,
    log: pino({ level: 'silent' }),
    publicUrl: 'https://hall.example.test',
    trustedProxies: [parseCidr(`${PROXY}/32`)!],
    version: '9.9.9',
    apiKeys: store.apiKeys
  })
  t.after(async () => {
    await app.close()
    fleet.stop()
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { app, clock }
}

/** One GET as Fastify sees it: from `peer`, with `forwardedFor` as the proxy's X-Forwarded-For when given. */
async function get (app: FastifyInstance, url: string, peer: string, forwardedFor?: string): Promise<{ status: number, retryAfter: string | undefined, body: string }> {
  const res = await app.inject({ method: 'GET', url, remoteAddress: peer, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } })
  return { status: res.statusCode, retryAfter: res.headers['retry-after'] as string | undefined, body: res.body }
}

/** Spends `count` requests of a client's budget across the public routes; each must be answered normally. */
async function spend (app: FastifyInstance, count: number, peer: string, forwardedFor: (i: number) => string | undefined): Promise<void> {
  for (let i = 0; i < count; i++) {
    const url = PUBLIC_ROUTES[i % PUBLIC_ROUTES.length]!
    const res = await get(app, url, peer, forwardedFor(i))
    assert.equal(res.status, 200, `request ${i + 1} of ${count}: ${url}`)
  }
}

test(`a client past ${REQUEST_BURST} requests gets 429 with Retry-After on every public route; another client does not`, async (t) => {
  const { app, clock } = await startHall(t)
  await spend(app, REQUEST_BURST, PROXY, () => '203.0.113.7')
  for (const url of [...PUBLIC_ROUTES, `/api/events/${DOMAIN}`, `/api/redirect/${DOMAIN}?to=/`]) {
    const refused = await get(app, url, PROXY, '203.0.113.7')
    assert.equal(refused.status, 429, url)
    assert.equal(refused.retryAfter, '1', url)
    assert.deepEqual(JSON.parse(refused.body), RATE_LIMITED, url)
  }
  assert.equal((await get(app, '/api/status', PROXY, '203.0.113.8')).status, 200, 'another client behind the same proxy is not affected')
  assert.equal((await get(app, '/api/status', PROXY)).status, 200, 'nor is the proxy\'s own address')

  clock.advance(1000)
  await spend(app, REQUESTS_PER_SECOND, PROXY, () => '203.0.113.7')
  assert.equal((await get(app, '/healthz', PROXY, '203.0.113.7')).status, 429, `one second gives back ${REQUESTS_PER_SECOND} requests, not more`)
})

test('a client rotating X-Forwarded-For without a trusted proxy is counted as its own address', async (t) => {
  const { app } = await startHall(t)
  const untrusted = '198.51.100.9'
  await spend(app, REQUEST_BURST, untrusted, i => `192.0.2.${i % 250}`)
  const refused = await get(app, '/api/status', untrusted, '192.0.2.251')
  assert.equal(refused.status, 429)
  assert.equal(refused.retryAfter, '1')
  assert.equal((await get(app, '/api/status', '198.51.100.10', '192.0.2.251')).status, 200, 'the address it names is not the one refused')
})

test('forward-auth is never rate-limited: the proxy calls it for every request it routes', async (t) => {
  const { app } = await startHall(t)
  await app.listen({ host: PROXY, port: 0 })
  const address = app.server.address()
  const base = `http://${PROXY}:${typeof address === 'object' && address !== null ? address.port : 0}`
  await spend(app, REQUEST_BURST, PROXY, () => undefined)
  assert.equal((await get(app, '/healthz', PROXY)).status, 429, 'the proxy\'s own address has spent its budget')
  const statuses = new Set<number>()
  for (let i = 0; i < 2 * REQUEST_BURST; i++) statuses.add(await forwardAuth(base))
  // the server is OFFLINE and the call is not a browser's: 503, never 429
  assert.deepEqual([...statuses], [503])
})

async function forwardAuth (base: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const headers = { 'x-forwarded-host': DOMAIN, 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET' }
    const req = request(`${base}/forward-auth`, { headers, localAddress: PROXY }, res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}
