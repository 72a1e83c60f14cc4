import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer as createHttpServer, type RequestListener } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createNetServer, type Server, type Socket } from 'node:net'
import type { StatusMatcher } from '../../../service/src/config/types.js'
import { createHttpProber, type HttpCheck } from '../../../service/src/probe/http.js'

// a throwaway self-signed certificate for 127.0.0.1, as LAN servers have (valid until 2126)
const key = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgz3dHnpL3af0/2KxY
EUXNbaT4JQqoewhUCZCRha1B/7uhRANCAAQHqHvdduJtsWslQbTm0Tm8w1+NmBB0
IEhjIo2Vbvd09jx1X52udPbw8mYWonsYjrmkfmVpGpwFc+p+v/B+x3M2
-----END PRIVATE KEY-----`
const cert = `-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUHlgsJftmKPqSmrC+4D0KAfd2tiUwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNjA2NTQ0OVoYDzIxMjYxMTAy
MDY1NDQ5WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQHqHvdduJtsWslQbTm0Tm8w1+NmBB0IEhjIo2Vbvd09jx1X52udPbw
8mYWonsYjrmkfmVpGpwFc+p+v/B+x3M2o2QwYjAdBgNVHQ4EFgQUn5t0chBGgg/S
9qHbxD9N9tN4UAowHwYDVR0jBBgwFoAUn5t0chBGgg/S9qHbxD9N9tN4UAowDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
IBnr0wVzeZg92d0AmnbH//uvdDR0988PauEDEZbxa++ZAiAZpLtbq0l3IWYZMo60
YokGnjkFkOYYicFx0UDGL2GUCQ==
-----END CERTIFICATE-----`

const routes: RequestListener = (req, res) => {
  switch (req.url) {
    case '/ok':
      res.end('status: ready')
      break
    case '/unavailable':
      res.statusCode = 503
      res.end('starting')
      break
    case '/missing':
      res.statusCode = 404
      res.end('no such page')
      break
    case '/split': // the marker arrives in two chunks
      res.write('status: REA')
      setTimeout(() => res.end('DY'), 20)
      break
    case '/late-marker': // the marker sits past the first 64 KiB
      res.end('x'.repeat(100 * 1024) + 'READY')
      break
    case '/moved': // a redirect to a page that would pass: the probe must judge the 302 itself
      res.writeHead(302, { location: '/ok' }).end()
      break
    case '/trickle': { // headers at once, then a body that dribbles and never holds the marker
      res.write('x')
      const drip = setInterval(() => res.write('x'), 20)
      res.on('close', () => clearInterval(drip))
      break
    }
    case '/endless': { // a body that never ends: the probe must stop reading on its own
      const pump = (): void => { while (res.write('x'.repeat(16 * 1024))); }
      res.on('drain', pump)
      pump()
      break
    }
    default:
      res.statusCode = 500
      res.end()
  }
}

async function listen (t: TestContext, server: Server): Promise<number> {
  const sockets = new Set<Socket>()
  server.on('connection', s => { sockets.add(s); s.on('close', () => sockets.delete(s)) })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => { for (const s of sockets) s.destroy(); server.close() })
  const address = server.address()
  assert.ok(address !== null && typeof address === 'object')
  return address.port
}

function check (url: string, expectStatus: StatusMatcher = { kind: 'codes', codes: [200] }, expectBody: string | null = null, insecureTls = false): HttpCheck {
  return { type: 'http', url, expectStatus, expectBody, insecureTls }
}

function setup (t: TestContext): ReturnType<typeof createHttpProber> {
  const prober = createHttpProber()
  t.after(() => prober.close())
  return prober
}

const class2xx: StatusMatcher = { kind: 'class', hundreds: 2 }
const below500: StatusMatcher = { kind: 'below', limit: 500 }
const cases = [
  { name: '200 is ok', path: '/ok', matcher: undefined, body: null, ok: true, reason: null, status: 200 },
  { name: '503 answers but is not ready', path: '/unavailable', matcher: { kind: 'codes', codes: [503] } as const, body: null, ok: false, reason: 'status', status: 503 },
  { name: '404 does not pass 2xx', path: '/missing', matcher: class2xx, body: null, ok: false, reason: 'status', status: 404 },
  { name: '404 passes "below 500"', path: '/missing', matcher: below500, body: null, ok: true, reason: null, status: 404 },
  { name: 'expected body found', path: '/ok', matcher: undefined, body: 'ready', ok: true, reason: null, status: 200 },
  { name: 'expected body missing', path: '/ok', matcher: undefined, body: 'healthy', ok: false, reason: 'body', status: 200 },
  { name: 'marker split across chunks', path: '/split', matcher: undefined, body: 'READY', ok: true, reason: null, status: 200 },
  { name: 'marker past 64 KiB is not looked for', path: '/late-marker', matcher: undefined, body: 'READY', ok: false, reason: 'body', status: 200 },
  { name: 'endless body, marker absent', path: '/endless', matcher: undefined, body: 'READY', ok: false, reason: 'body', status: 200 },
  { name: 'endless body, status only', path: '/endless', matcher: undefined, body: null, ok: true, reason: null, status: 200 }
]

for (const c of cases) {
  test(`http probe: ${c.name}`, { timeout: 5_000 }, async t => {
    const port = await listen(t, createHttpServer(routes))
    const result = await setup(t).probe(check(`http://127.0.0.1:${port}${c.path}`, c.matcher, c.body), 2_000)
    assert.deepEqual(
      { ok: result.ok, alive: result.alive, reason: result.reason, status: result.status },
      { ok: c.ok, alive: true, reason: c.reason, status: c.status })
    assert.ok(result.durationMs < 1_000, `took ${result.durationMs} ms`)
  })
}

test('http probe: a server that accepts and never answers times out on time and loses the socket', { timeout: 5_000 }, async t => {
  const serverSockets: Promise<unknown>[] = []
  // reads (and discards) the request so it notices when the prober hangs up
  const server = createNetServer(s => { s.on('error', () => {}).resume(); serverSockets.push(once(s, 'close')) })
  const port = await listen(t, server)

  const started = performance.now()
  const result = await setup(t).probe(check(`http://127.0.0.1:${port}/ok`), 300)
  const elapsed = performance.now() - started
  assert.equal(result.reason, 'timeout')
  assert.equal(result.alive, false)
  assert.equal(result.ok, false)
  assert.ok(elapsed >= 250 && elapsed < 1500, `took ${elapsed} ms`)
  await Promise.all(serverSockets) // the prober closed its side: nothing piles up
})

test('http probe: repeated timeouts against a silent server never hold more than two sockets', { timeout: 5_000 }, async t => {
  let open = 0
  let mostOpen = 0
  const server = createNetServer(s => {
    s.on('error', () => {}).resume().on('close', () => open--)
    mostOpen = Math.max(mostOpen, ++open)
  })
  const port = await listen(t, server)
  const prober = setup(t)
  const silent = check(`http://127.0.0.1:${port}/ok`)
  for (let i = 0; i < 4; i++) assert.equal((await prober.probe(silent, 100)).reason, 'timeout')
  const burst = await Promise.all([1, 2, 3, 4].map(() => prober.probe(silent, 100)))
  assert.deepEqual(burst.map(r => r.reason), ['timeout', 'timeout', 'timeout', 'timeout'])
  assert.ok(mostOpen <= 2, `${mostOpen} sockets open at once`)
})

test('http probe: nothing listening is refused and not alive', async t => {
  const server = createNetServer()
  const port = await listen(t, server)
  await new Promise(resolve => server.close(resolve))
  const result = await setup(t).probe(check(`http://127.0.0.1:${port}/ok`), 1_000)
  assert.deepEqual([result.ok, result.alive, result.reason, result.status], [false, false, 'refused', null])
})

test('http probe: a self-signed certificate passes only with insecureTls', async t => {
  const port = await listen(t, createHttpsServer({ key, cert }, routes))
  const prober = setup(t)
  const url = `https://127.0.0.1:${port}/ok`
  const insecure = await prober.probe(check(url, undefined, 'ready', true), 2_000)
  assert.deepEqual([insecure.ok, insecure.alive, insecure.status], [true, true, 200])
  const verified = await prober.probe(check(url, undefined, 'ready', false), 2_000)
  assert.deepEqual([verified.ok, verified.alive, verified.reason], [false, false, 'error'])
})

test('http probe: a caller abort ends the probe early with reason error', async t => {
  const port = await listen(t, createNetServer(s => s.on('error', () => {})))
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 50)
  const result = await setup(t).probe(check(`http://127.0.0.1:${port}/ok`), 2_000, controller.signal)
  assert.deepEqual([result.ok, result.reason], [false, 'error'])
  assert.ok(result.durationMs < 1_000)
})

test('http probe: a redirect is not followed, its status is judged', async t => {
  const paths: string[] = []
  const server = createHttpServer((req, res) => { paths.push(req.url ?? ''); routes(req, res) })
  const port = await listen(t, server)
  const result = await setup(t).probe(check(`http://127.0.0.1:${port}/moved`), 2_000)
  assert.deepEqual([result.ok, result.alive, result.reason, result.status], [false, true, 'status', 302])
  assert.deepEqual(paths, ['/moved'])
})

test('http probe: a body still arriving at the deadline is a timeout, not a missing marker', { timeout: 5_000 }, async t => {
  const port = await listen(t, createHttpServer(routes))
  const result = await setup(t).probe(check(`http://127.0.0.1:${port}/trickle`, undefined, 'READY'), 300)
  assert.deepEqual([result.ok, result.alive, result.reason, result.status], [false, true, 'timeout', 200])
  assert.ok(result.durationMs >= 250 && result.durationMs < 1_500, `took ${result.durationMs} ms`)
})

test('http probe: probes in a row share one keep-alive socket, closed after a second idle', { timeout: 5_000 }, async t => {
  const server = createHttpServer(routes)
  const closed: Promise<unknown>[] = []
  server.on('connection', s => closed.push(once(s, 'close')))
  const port = await listen(t, server)
  const prober = setup(t)
  for (let i = 0; i < 5; i++) assert.equal((await prober.probe(check(`http://127.0.0.1:${port}/ok`, undefined, 'ready'), 2_000)).ok, true)
  assert.equal(closed.length, 1)
  const idleSince = performance.now()
  await closed[0] // the prober hangs up by itself: nothing else closes this socket
  const idleMs = performance.now() - idleSince
  assert.ok(idleMs >= 800 && idleMs < 3_000, `closed after ${idleMs} ms idle`)
})

test('http probe: a probe that times out waiting for one of the two sockets never opens one', { timeout: 5_000 }, async t => {
  let connections = 0
  const server = createNetServer(s => { connections++; s.on('error', () => {}).resume() })
  const port = await listen(t, server)
  const prober = setup(t)
  const silent = check(`http://127.0.0.1:${port}/ok`)
  const results = await Promise.all([
    prober.probe(silent, 400), prober.probe(silent, 400), // hold both sockets
    prober.probe(silent, 100), prober.probe(silent, 100) // give up in the queue
  ])
  assert.deepEqual(results.map(r => r.reason), ['timeout', 'timeout', 'timeout', 'timeout'])
  assert.ok(results[2] !== undefined && results[2].durationMs < 350, `queued probe took ${results[2]?.durationMs} ms`)
  // one more probe proves the slots were handed back, and lets any late socket show up first
  assert.equal((await prober.probe(silent, 100)).reason, 'timeout')
  assert.equal(connections, 3)
})
