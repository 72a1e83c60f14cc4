import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { HealthCheck, ServerConfig } from '../../../service/src/config/types.js'
import { createProber } from '../../../service/src/probe/server.js'

function serverConfig (name: string, health: HealthCheck[]): ServerConfig {
  return {
    name,
    ip: '127.0.0.1',
    mac: 'aa:bb:cc:dd:ee:ff',
    policy: 'on_demand',
    wake: { method: 'udp', broadcast: '127.0.0.1', port: 9, secureOn: null },
    health,
    probeIntervalMs: 500,
    probeTimeoutMs: 5_000,
    wakeTimeoutMs: 120_000,
    idleShutdownMs: null,
    shutdown: null,
    schedule: null,
    power: null,
    projects: null
  }
}

const checksOn = (port: number): HealthCheck[] => [
  { type: 'tcp', host: '127.0.0.1', port },
  { type: 'http', url: `http://127.0.0.1:${port}/health`, expectStatus: { kind: 'codes', codes: [200] }, expectBody: null, insecureTls: false }
]

/** A simulated server answering /health with `status`, after `delayMs`, counting requests. */
async function simulated (t: TestContext, status: number, delayMs = 0): Promise<{ port: number, requests: () => number }> {
  let requests = 0
  const server = createServer((_req, res) => {
    requests++
    setTimeout(() => { res.statusCode = status; res.end() }, delayMs)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => { server.closeAllConnections(); server.close() })
  const address = server.address()
  assert.ok(address !== null && typeof address === 'object')
  return { port: address.port, requests: () => requests }
}

function setup (t: TestContext): ReturnType<typeof createProber> {
  const prober = createProber({ pingPath: '/nonexistent/hall-test/ping' })
  t.after(() => prober.close())
  return prober
}

const signal = (): AbortSignal => new AbortController().signal

test('tcp and http both passing: alive and ready', async t => {
  const { port } = await simulated(t, 200)
  const result = await setup(t).probe(serverConfig('app', checksOn(port)), signal())
  assert.deepEqual([result.alive, result.ready], [true, true])
  assert.deepEqual(result.checks.map(c => [c.type, c.ok]), [['tcp', true], ['http', true]])
})

test('http 503: alive (BOOTING) but not ready', async t => {
  const { port } = await simulated(t, 503)
  const result = await setup(t).probe(serverConfig('app', checksOn(port)), signal())
  assert.deepEqual([result.alive, result.ready], [true, false])
  assert.deepEqual(result.checks[1]?.reason, 'status')
})

test('nothing listening: not alive, not ready, and quick', async t => {
  const result = await setup(t).probe(serverConfig('dead', checksOn(await closedPort())), signal())
  assert.deepEqual([result.alive, result.ready], [false, false])
  assert.deepEqual(result.checks.map(c => c.reason), ['refused', 'refused'])
  assert.ok(result.durationMs < 2_000, `took ${result.durationMs} ms: a refusal must not wait for the 5 s timeout`)
})

test('concurrent probes of one server share one in-flight probe', async t => {
  const { port, requests } = await simulated(t, 200, 50)
  const prober = setup(t)
  const config = serverConfig('app', checksOn(port))
  const first = prober.probe(config, signal())
  const second = prober.probe(config, signal())
  assert.equal(first, second)
  await Promise.all([first, second])
  assert.equal(requests(), 1)
  // once settled, the next probe is a fresh one
  await prober.probe(config, signal())
  assert.equal(requests(), 2)
})

test('an unavailable ping is ignored beside other checks, but fails when alone', async t => {
  const { port } = await simulated(t, 200)
  const prober = setup(t)
  const ping: HealthCheck = { type: 'ping', host: '127.0.0.1' }
  const mixed = await prober.probe(serverConfig('mixed', [ping, ...checksOn(port)]), signal())
  assert.equal(mixed.checks[0]?.reason, 'unavailable')
  assert.deepEqual([mixed.alive, mixed.ready], [true, true])
  const alone = await prober.probe(serverConfig('alone', [ping]), signal())
  assert.deepEqual([alone.alive, alone.ready], [false, false])
})

async function closedPort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  assert.ok(address !== null && typeof address === 'object')
  await new Promise(resolve => server.close(resolve))
  return address.port
}
