import assert from 'node:assert/strict'
import { once } from 'node:events'
import { request as httpRequest } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import ssh2 from 'ssh2'
import { request } from 'undici'
import { readEnv } from '../../../service/src/config/env.js'
import { createApiKeyAuth, createFailureLimiter, createFailureLimits } from '../../../service/src/http/api-key-auth.js'
import { startService, type Service } from '../../../service/src/main.js'
import { createApiKeys } from '../../../service/src/store/api-keys.js'
import { createFakeClock } from '../../helpers/fake-clock.js'
import { DOMAIN, startAsleep, until } from '../../helpers/hall-in-process.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { serveOnLoopback } from '../../helpers/loopback-server.js'
import { tempDatabase } from '../../helpers/temp-database.js'

interface Answer { status: number, body: Record<string, unknown>, headers: Record<string, unknown> }

async function post (hall: Service, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const res = await request(`${hall.url}${path}`, { method: 'POST', headers, body })
  const text = await res.body.text()
  return { status: res.statusCode, body: text === '' ? {} : JSON.parse(text), headers: res.headers }
}

/** A POST from a chosen loopback source address: each one is another TCP peer to Hall. */
async function postFrom (source: string, hall: Service, path: string, headers: Record<string, string>): Promise<{ status: number, error: string }> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest(`${hall.url}${path}`, { method: 'POST', localAddress: source, headers }, res => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => { body += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, error: (JSON.parse(body) as { error?: string }).error ?? '' }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** A well-formed key with this prefix and a secret that no key has. */
const guessFor = (prefix: string, i: number): string => `hall_${prefix}_${String(i).padStart(43, 'A')}`

function makeKey (hall: Service, name: string, scopes: { servers?: string[], actions?: Array<'wake' | 'shutdown'> } = {}): string {
  return hall.store.apiKeys.create({ name, servers: scopes.servers ?? null, actions: scopes.actions ?? null, now: Date.now() }).key
}

test('missing, wrong, malformed and revoked keys all get the same 401, and nothing is woken', async (t) => {
  const { hall, packets } = await startAsleep(t)
  const good = makeKey(hall, 'good')
  const revoked = makeKey(hall, 'old')
  hall.store.apiKeys.revoke('old', Date.now())
  const cases: Array<{ name: string, headers: Record<string, string> }> = [
    { name: 'missing', headers: {} },
    { name: 'wrong secret', headers: { 'x-api-key': good.slice(0, -2) + (good.endsWith('AA') ? 'BB' : 'AA') } },
    { name: 'malformed', headers: { 'x-api-key': 'hall_not-a-key' } },
    { name: 'revoked', headers: { 'x-api-key': revoked } },
    { name: 'key sent as a bearer token', headers: { authorization: `Bearer ${good}` } }
  ]
  const answers = []
  for (const c of cases) {
    const a = await post(hall, '/api/wol/lab', c.headers)
    answers.push({ name: c.name, status: a.status, body: a.body, authenticate: a.headers['www-authenticate'] })
  }
  for (const { name, ...answer } of answers) {
    assert.deepEqual(answer, { status: 401, body: { error: 'HALL_ERR_API_KEY_INVALID', message: 'a valid X-API-Key header is required' }, authenticate: 'X-API-Key' }, name)
  }
  assert.equal(hall.store.wakes.latest('lab'), null, 'no wake recorded')
  assert.equal(packets.packets.length, 0)
  assert.equal(hall.fleet.lookup(DOMAIN)?.phase, 'OFFLINE')
})

test('a valid key outside its scope gets 403, for another server and for another action', async (t) => {
  const { hall } = await startAsleep(t)
  const otherServer = makeKey(hall, 'erp-only', { servers: ['erp'] })
  const shutdownOnly = makeKey(hall, 'shutdown-only', { actions: ['shutdown'] })
  const wakeOnly = makeKey(hall, 'wake-only', { actions: ['wake'] })
  const cases = [
    { name: 'server not in the key', path: '/api/wol/lab', key: otherServer, message: 'the key "erp-only" may not wake lab' },
    { name: 'unknown server, scoped key: no probing names', path: '/api/wol/ghost', key: otherServer, message: 'the key "erp-only" may not wake ghost' },
    { name: 'wake with a shutdown-only key', path: '/api/wol/lab', key: shutdownOnly, message: 'the key "shutdown-only" may not wake lab' },
    { name: 'shutdown with a wake-only key', path: '/api/shutdown/lab', key: wakeOnly, message: 'the key "wake-only" may not shutdown lab' }
  ]
  for (const c of cases) {
    const a = await post(hall, c.path, { 'x-api-key': c.key })
    assert.equal(a.status, 403, c.name)
    assert.deepEqual(a.body, { error: 'HALL_ERR_API_KEY_FORBIDDEN', message: c.message }, c.name)
  }
  assert.equal(hall.store.wakes.latest('lab'), null, 'no wake recorded')
})

test('wake: 202 with the wake id at once; asking again returns the same wake, and one packet burst is sent', async (t) => {
  const { hall, packets } = await startAsleep(t)
  const key = makeKey(hall, 'ci', { servers: ['lab'], actions: ['wake'] })
  const first = await post(hall, '/api/wol/lab', { 'x-api-key': key })
  const second = await post(hall, '/api/wol/lab', { 'x-api-key': key, 'content-type': 'application/json' }, '{}')
  assert.equal(first.status, 202)
  const wakeId = hall.store.wakes.latest('lab')!.id
  assert.deepEqual(first.body, { server: 'lab', outcome: 'started', wake_id: wakeId, state: 'WAKING', status_url: `/api/status/${DOMAIN}` })
  assert.equal(second.status, 202)
  assert.deepEqual(second.body, { ...first.body, outcome: 'in-flight' })

  await packets.waitFor(3, 2000)
  const wakes = hall.store.wakes.recent('lab', 10)
  assert.equal(wakes.length, 1, 'one wake record for two calls')
  assert.equal(wakes[0]!.trigger, 'api')
  assert.equal(packets.packets.length, 3, 'one wake = 3 copies of one magic packet')

  const status = await request(`${hall.url}${first.body.status_url as string}`)
  assert.equal((await status.body.json() as { state: string }).state, 'WAKING')
  assert.notEqual(hall.store.apiKeys.list()[0]!.lastUsedAt, null, 'the key is marked as used')
})

test('unknown server: 404 with a key for every server, 401 without a key', async (t) => {
  const { hall } = await startAsleep(t)
  const key = makeKey(hall, 'all')
  const withKey = await post(hall, '/api/wol/ghost', { 'x-api-key': key })
  assert.equal(withKey.status, 404)
  assert.equal(withKey.body.error, 'HALL_ERR_SERVER_UNKNOWN')
  const withoutKey = await post(hall, '/api/wol/ghost')
  assert.equal(withoutKey.status, 401, 'names are not probed without a key')
})

test('shutdown of a server already off: 200 already-off; of a waking server without a shutdown command: 409 with the reason', async (t) => {
  const { hall } = await startAsleep(t)
  const key = makeKey(hall, 'all')
  const off = await post(hall, '/api/shutdown/lab', { 'x-api-key': key })
  assert.equal(off.status, 200)
  assert.deepEqual(off.body, { server: 'lab', outcome: 'already-off', shutdown_id: null, state: 'OFFLINE', status_url: `/api/status/${DOMAIN}` })
  assert.equal((await post(hall, '/api/wol/lab', { 'x-api-key': key })).status, 202)
  const refused = await post(hall, '/api/shutdown/lab', { 'x-api-key': key })
  assert.equal(refused.status, 409)
  assert.deepEqual(refused.body, { error: 'HALL_ERR_SHUTDOWN_REFUSED', message: 'no shutdown command is configured for this server', server: 'lab', outcome: 'refused', state: 'WAKING' })
})

test('shutdown of a running server: 202 with the shutdown id; asking again returns the same one', async (t) => {
  // the relay accepts TCP and never speaks: the shutdown stays in flight for the whole test
  const sockets = new Set<Socket>()
  const relay = createNetServer(socket => sockets.add(socket))
  await new Promise<void>(resolve => relay.listen(0, '127.0.0.1', resolve))
  t.after(async () => {
    relay.close()
    for (const socket of sockets) socket.destroy()
    await once(relay, 'close')
  })
  const dir = mkdtempSync(join(tmpdir(), 'hall-key-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'id_ed25519'), ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 })
  const hall = await startRunning(t, {
    extra: { shutdown: { relay: 'admin', command: 'sudo systemctl poweroff' } },
    relays: { admin: { host: '127.0.0.1', port: (relay.address() as AddressInfo).port, user: 'hall', private_key_file: join(dir, 'id_ed25519'), host_key_sha256: 'insecure-accept-any' } }
  })
  const key = makeKey(hall, 'ops', { actions: ['shutdown'] })
  const first = await post(hall, '/api/shutdown/lab', { 'x-api-key': key })
  const second = await post(hall, '/api/shutdown/lab', { 'x-api-key': key })
  assert.equal(first.status, 202, JSON.stringify(first.body))
  assert.equal(first.body.outcome, 'started')
  assert.equal(typeof first.body.shutdown_id, 'number')
  assert.equal(second.status, 202, JSON.stringify(second.body))
  assert.deepEqual(second.body, { ...first.body, outcome: 'in-flight' })
})

/** Hall fronting one loopback server that is up (its health check answers 200). */
async function startRunning (t: TestContext, opts: { extra: object, relays: object }): Promise<Service> {
  const upstream = await serveOnLoopback(t, (_req, res) => res.end('ok'))
  const config = writeLoopbackConfig({ udpPort: 9, httpPort: Number(new URL(upstream).port), domain: DOMAIN, ...opts })
  const dir = mkdtempSync(join(tmpdir(), 'hall-db-'))
  const env = readEnv({ HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_LOG_LEVEL: 'silent' })
  const hall = await startService(env)
  t.after(async () => {
    await hall.close()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  await until(() => hall.fleet.lookup(DOMAIN)?.phase === 'RUNNING')
  return hall
}

test('a body larger than a small JSON object is refused with 413, before anything is woken', async (t) => {
  const { hall } = await startAsleep(t)
  const key = makeKey(hall, 'all')
  const a = await post(hall, '/api/wol/lab', { 'x-api-key': key, 'content-type': 'application/octet-stream' }, 'x'.repeat(5000))
  assert.equal(a.status, 413)
  assert.equal(a.body.error, 'HALL_ERR_HTTP_BODY_TOO_LARGE')
  assert.equal(hall.store.wakes.latest('lab'), null)
})

test('guessing keys from one address ends in 429 with Retry-After', async (t) => {
  const { hall } = await startAsleep(t)
  const statuses: number[] = []
  for (let i = 0; i < 40 && !statuses.includes(429); i++) {
    const a = await post(hall, '/api/wol/lab', { 'x-api-key': `hall_0000000${i % 10}_${'A'.repeat(43)}` })
    statuses.push(a.status)
    if (a.status === 429) {
      assert.equal(a.body.error, 'HALL_ERR_API_KEY_RATE_LIMITED')
      assert.match(String(a.headers['retry-after']), /^[1-9]\d*$/)
    }
  }
  assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401), 'a burst of 10 refused keys is allowed')
  assert.ok(statuses.includes(429))
})

test('rotating X-Forwarded-For from a trusted peer does not escape the limit: failures count per TCP peer', async (t) => {
  const { hall } = await startAsleep(t) // loopback is a trusted proxy by default
  const statuses: number[] = []
  for (let i = 0; i < 12; i++) {
    const a = await post(hall, '/api/wol/lab', { 'x-api-key': guessFor(`0000000${i % 10}`, i), 'x-forwarded-for': `198.51.100.${i + 1}` })
    statuses.push(a.status)
  }
  assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429])
})

test('many peers guessing one key\'s secret are limited together; another key from another peer is not', async (t) => {
  const { hall } = await startAsleep(t)
  const statuses: number[] = []
  for (let i = 0; i < 12; i++) {
    const a = await postFrom(`127.0.0.${10 + i}`, hall, '/api/wol/lab', { 'x-api-key': guessFor('deadbeef', i) })
    statuses.push(a.status)
  }
  assert.deepEqual(statuses, [...Array(10).fill(401), 429, 429], 'each peer tried once; the key prefix ran out')
  const other = makeKey(hall, 'ci')
  const a = await postFrom('127.0.0.40', hall, '/api/wol/lab', { 'x-api-key': other })
  assert.equal(a.status, 202, a.error)
})

// the limiter and the key check together, on a fake clock: exact budgets, no waiting
function authOnFakeClock (t: TestContext): { clock: ReturnType<typeof createFakeClock>, keys: ReturnType<typeof createApiKeys>, auth: ReturnType<typeof createApiKeyAuth> } {
  const clock = createFakeClock()
  const keys = createApiKeys(tempDatabase(t))
  const auth = createApiKeyAuth({ apiKeys: keys, clock, limits: createFailureLimits(clock), log: { warn () {} } })
  return { clock, keys, auth }
}

test('rate limit: after 10 refused keys even a valid key waits; one more try every 6 s; other addresses unaffected', (t) => {
  const { clock, keys, auth } = authOnFakeClock(t)
  const { key } = keys.create({ name: 'k', servers: null, actions: null, now: clock.now() })
  for (let i = 0; i < 10; i++) assert.equal(auth.check('192.0.2.7', 'wrong', 'lab', 'wake').ok, false)
  const blocked = auth.check('192.0.2.7', key, 'lab', 'wake')
  assert.deepEqual(blocked.ok ? null : [blocked.denial.status, blocked.denial.retryAfterSeconds], [429, 6])
  assert.equal(auth.check('192.0.2.8', key, 'lab', 'wake').ok, true, 'another address')
  clock.advance(6000)
  assert.equal(auth.check('192.0.2.7', key, 'lab', 'wake').ok, true, 'a valid key costs nothing once a try is available')
  const wrong = auth.check('192.0.2.7', 'wrong', 'lab', 'wake')
  assert.equal(wrong.ok ? 0 : wrong.denial.status, 401)
  const again = auth.check('192.0.2.7', 'wrong', 'lab', 'wake')
  assert.equal(again.ok ? 0 : again.denial.status, 429)
})

test('rate limit: the map of addresses is bounded, least recently refused forgotten first', () => {
  const clock = createFakeClock()
  const limiter = createFailureLimiter({ clock, burst: 1, maxClients: 2 })
  limiter.fail('a')
  limiter.fail('b')
  assert.ok(limiter.blockedForMs('a') > 0)
  limiter.fail('c')
  assert.equal(limiter.blockedForMs('a'), 0, 'forgotten')
  assert.ok(limiter.blockedForMs('b') > 0 && limiter.blockedForMs('c') > 0)
})

test('last use is recorded at most once a minute per key', (t) => {
  const { clock, keys, auth } = authOnFakeClock(t)
  const { key } = keys.create({ name: 'k', servers: null, actions: null, now: clock.now() })
  const start = clock.now()
  auth.check('192.0.2.7', key, 'lab', 'wake')
  clock.advance(30_000)
  auth.check('192.0.2.7', key, 'lab', 'wake')
  assert.equal(keys.list()[0]!.lastUsedAt, start)
  clock.advance(30_000)
  auth.check('192.0.2.7', key, 'lab', 'wake')
  assert.equal(keys.list()[0]!.lastUsedAt, start + 60_000)
})
