import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { request } from 'undici'
import { readEnv } from '../../../service/src/config/env.js'
import { parseConfig } from '../../../service/src/config/load.js'
import type { HallConfig } from '../../../service/src/config/types.js'
import { startService } from '../../../service/src/main.js'
import { renderTraefik } from '../../../service/src/traefik/render.js'
import { freePort } from '../../helpers/free-port.js'
import { assertValid, officialValidator } from '../../helpers/official-schemas.js'

const PUBLIC_URL = 'https://hall.example.test'

/** One loopback server (asleep: its health port is closed); nothing leaves the machine. */
async function loopbackConfig (domains: Record<string, object>, traefik?: object): Promise<HallConfig> {
  const closed = await freePort()
  return parseConfig(JSON.stringify({
    servers: {
      lab: {
        ip: '127.0.0.1',
        mac: '02:00:00:00:00:2a',
        policy: 'on_demand',
        wake: { method: 'udp', broadcast: '127.0.0.1', port: closed },
        health: [{ type: 'http', url: `http://127.0.0.1:${closed}/health` }],
        probe_timeout_seconds: 0.5
      }
    },
    domains: Object.fromEntries(Object.entries(domains).map(([host, o]) => [host, { server: 'lab', upstream: `https://127.0.0.1:${closed}`, ...o }])),
    ...(traefik === undefined ? {} : { traefik })
  }))
}

/** Hall in this process, over a real SQLite file, with the given config. */
async function hallWith (t: TestContext, config: HallConfig): Promise<{ url: string, config: HallConfig }> {
  const dir = mkdtempSync(join(tmpdir(), 'hall-traefik-route-'))
  const env = readEnv({ HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_PUBLIC_URL: PUBLIC_URL, HALL_LOG_LEVEL: 'silent' })
  const hall = await startService(env, { config })
  t.after(async () => {
    await hall.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { url: hall.url, config: hall.fleet.config() }
}

async function dynamic (url: string): Promise<{ status: number, headers: Record<string, unknown>, text: string }> {
  const res = await request(`${url}/traefik/dynamic`)
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() }
}

test('GET /traefik/dynamic: 200, JSON, the renderer\'s output byte for byte, the same bytes on every poll', async (t) => {
  const hall = await hallWith(t, await loopbackConfig({ 'app.hall.test': { insecure_tls: true }, 'wiki.hall.test': {} }, { cert_resolver: 'letsencrypt' }))
  const first = await dynamic(hall.url)
  assert.equal(first.status, 200)
  assert.match(String(first.headers['content-type']), /^application\/json/)
  assert.equal(first.headers['cache-control'], 'no-store')
  assert.equal(first.text, JSON.stringify(renderTraefik(hall.config, PUBLIC_URL)))
  // Traefik's HTTP provider hashes the raw body: the same config must give the same bytes
  assert.equal((await dynamic(hall.url)).text, first.text)

  const { http } = JSON.parse(first.text)
  assert.deepEqual(http.routers['hall-app-hall-test'].middlewares, ['hall'])
  assert.equal(http.middlewares.hall.forwardAuth.trustForwardHeader, false)
  assert.equal(http.routers.hall.middlewares, undefined)
  assert.match(http.routers.hall.rule, /^Host\(`hall\.example\.test`\) && /)
  assert.doesNotMatch(http.routers.hall.rule, /forward-auth|wol|shutdown|admin|traefik/)
})

test('GET /traefik/dynamic is valid Traefik v3 dynamic configuration', async (t) => {
  const validate = officialValidator('traefik-schemas/traefik-v3-file-provider.json')
  const hall = await hallWith(t, await loopbackConfig({ 'app.hall.test': { insecure_tls: true }, 'wiki.hall.test': {} }, { cert_resolver: 'letsencrypt' }))
  const body = JSON.parse((await dynamic(hall.url)).text)
  assertValid(validate, body)
})

// Hot reload is not wired into the fleet yet: two Halls with two configs stand for "before" and
// "after". The route renders fleet.config() on every call, so a reload reaches the next poll.
test('GET /traefik/dynamic follows the config: a new domain and a self-signed upstream show up', async (t) => {
  const before = await hallWith(t, await loopbackConfig({ 'app.hall.test': {} }))
  const after = await hallWith(t, await loopbackConfig({ 'app.hall.test': {}, 'new.hall.test': { insecure_tls: true } }))
  const old = JSON.parse((await dynamic(before.url)).text).http
  const current = JSON.parse((await dynamic(after.url)).text).http
  assert.deepEqual(Object.keys(old.routers), ['hall', 'hall-app-hall-test', 'hall_admin'])
  assert.deepEqual(Object.keys(current.routers), ['hall', 'hall-app-hall-test', 'hall-new-hall-test', 'hall_admin'])
  assert.equal(old.serversTransports, undefined)
  assert.equal(current.services['hall-new-hall-test'].loadBalancer.serversTransport, 'hall-insecure-tls')
})
