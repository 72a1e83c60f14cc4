import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { readEnv } from '../../../service/src/config/env.js'
import { healthReportSchema, type HealthReport } from '../../../service/src/contract/health.js'
import { startService, type Service } from '../../../service/src/main.js'
import { openHallStore } from '../../../service/src/store/index.js'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { until } from '../../helpers/hall-in-process.js'
import { listenForMagicPackets } from '../../helpers/udp-listener.js'

// GET /api/health of a real Hall (real SQLite file, real UDP wake, a loopback server whose health
// port is closed: asleep), as Uptime Kuma and Gatus read it.

async function startHall (t: TestContext, opts: { policy?: string, before?: (dbFile: string) => void } = {}): Promise<Service> {
  const packets = await listenForMagicPackets()
  const config = writeLoopbackConfig({ udpPort: packets.port, httpPort: await freePort(), extra: opts.policy === undefined ? {} : { policy: opts.policy } })
  const dir = mkdtempSync(join(tmpdir(), 'hall-health-'))
  const dbFile = join(dir, 'hall.db')
  opts.before?.(dbFile)
  const hall = await startService(readEnv({ HALL_CONFIG: config.file, HALL_DB: dbFile, HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_LOG_LEVEL: 'silent' }))
  t.after(async () => {
    await hall.close()
    await packets.close()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  return hall
}

async function health (hall: Service): Promise<{ status: number, body: HealthReport }> {
  const res = await fetch(`${hall.url}/api/health`)
  return { status: res.status, body: healthReportSchema.parse(await res.json()) }
}

/** Gatus: `[BODY].path == value`, evaluated as Gatus does for a plain string value. */
function gatusCondition (condition: string, body: unknown): boolean {
  const match = /^\[BODY\]\.([\w.]+) == (\S+)$/.exec(condition)
  assert.ok(match !== null, `not a [BODY] condition: ${condition}`)
  const value = match[1]!.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], body)
  return String(value) === match[2]
}

/** Uptime Kuma's "HTTP(s) - Json Query": the JSONata expression `status` reads the top-level field, compared with the expected value as text. */
function kumaJsonQuery (expression: string, expected: string, body: unknown): boolean {
  assert.match(expression, /^\w+$/, 'the recipe uses a bare field name')
  return String((body as Record<string, unknown>)[expression]) === expected
}

test('a sleeping on_demand server is no outage: ok, and the monitor recipes pass', async (t) => {
  const hall = await startHall(t)
  await until(() => hall.fleet.lookup('app.hall.test')?.phase === 'OFFLINE')
  const { status, body } = await health(hall)
  assert.equal(status, 200)
  assert.equal(body.status, 'ok')
  assert.deepEqual(body.servers, { lab: { state: 'OFFLINE', policy: 'on_demand', healthy_for_its_policy: true } })
  assert.equal(body.hall.database, 'ok')
  assert.equal(body.hall.queued_writes, 0)
  assert.ok(body.hall.config_loaded_at !== undefined && !Number.isNaN(Date.parse(body.hall.config_loaded_at)))
  assert.ok(body.hall.uptime_seconds >= 0)
  assert.equal(gatusCondition('[BODY].status == ok', body), true)
  assert.equal(kumaJsonQuery('status', 'ok', body), true)
})

test('an always_on server that is not serving makes Hall degraded, still with 200', async (t) => {
  const hall = await startHall(t, { policy: 'always_on' })
  // the watchdog wakes it at once; its health port stays closed, so it never serves
  await until(() => ['WAKING', 'BOOTING', 'OFFLINE'].includes(hall.fleet.lookup('app.hall.test')?.phase ?? 'UNKNOWN'))
  const { status, body } = await health(hall)
  assert.equal(status, 200)
  assert.equal(body.status, 'degraded')
  assert.equal(body.servers?.lab?.policy, 'always_on')
  assert.equal(body.servers?.lab?.healthy_for_its_policy, false)
  assert.equal(body.servers?.lab?.problem, 'an always_on server that is not serving')
  assert.equal(gatusCondition('[BODY].status == ok', body), false)
  assert.equal(kumaJsonQuery('status', 'ok', body), false)
})

test('a last wake that timed out makes Hall degraded until the server serves', async (t) => {
  const hall = await startHall(t, {
    before (dbFile) {
      const store = openHallStore(dbFile)
      const id = store.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: Date.now() - 120_000 })
      store.wakes.finish(id, { outcome: 'timeout', at: Date.now() - 60_000 })
      store.close()
    }
  })
  await until(() => hall.fleet.lookup('app.hall.test')?.phase === 'OFFLINE')
  const { status, body } = await health(hall)
  assert.equal(status, 200)
  assert.equal(body.status, 'degraded')
  assert.deepEqual(body.servers?.lab, { state: 'OFFLINE', policy: 'on_demand', healthy_for_its_policy: false, problem: 'its last wake timed out' })
})

test('/api/health shares the public routes\' per-client budget', async (t) => {
  const hall = await startHall(t)
  const statuses: number[] = []
  for (let i = 0; i < 70; i++) statuses.push((await hall.app.inject({ url: '/api/health', remoteAddress: '127.0.0.9' })).statusCode)
  assert.equal(statuses[0], 200)
  assert.equal(statuses.at(-1), 429)
})

test('a client outside HALL_ADMIN_ALLOW gets the status without the servers\' names', async (t) => {
  const hall = await startHall(t, { policy: 'always_on' })
  await until(() => hall.fleet.lookup('app.hall.test')?.phase !== 'UNKNOWN')
  const outside = await hall.app.inject({ url: '/api/health', remoteAddress: '203.0.113.9' })
  const body = healthReportSchema.parse(outside.json())
  assert.equal(outside.statusCode, 200)
  assert.equal(body.status, 'degraded')
  assert.equal(body.servers, undefined)
  assert.equal(outside.body.includes('lab'), false)
  const lan = healthReportSchema.parse((await hall.app.inject({ url: '/api/health', remoteAddress: '192.168.1.40' })).json())
  assert.deepEqual(Object.keys(lan.servers ?? {}), ['lab'])
})
