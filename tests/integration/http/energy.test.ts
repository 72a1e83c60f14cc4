import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test, { type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { systemClock, type Clock } from '../../../service/src/clock.js'
import { readEnv } from '../../../service/src/config/env.js'
import { energyReportSchema, type EnergyReport } from '../../../service/src/contract/energy.js'
import { startService } from '../../../service/src/main.js'
import { openStore } from '../../../service/src/store/db.js'
import * as fx from '../../fixtures/energy/paris-dst.js'
import { assertClose } from '../../helpers/assert-close.js'
import { freePort } from '../../helpers/free-port.js'
import { runHall } from '../cli/run-hall.js'

// the per-day breakdown is in Hall's time zone: this process and the CLI's both run in Paris
process.env.TZ = fx.timeZone

// Hall prunes history older than 90 days when it starts: this one lives on April 1st, 2026
const offsetMs = Date.now() - Date.parse('2026-04-01T00:00:00Z')
const aprilClock: Clock = { ...systemClock, now: () => Date.now() - offsetMs }

const domains = { testing: 'testing.hall.test', erp: 'erp.hall.test', nas: 'nas.hall.test' }

/** The fixture's fleet in domains.json (asleep on loopback: closed health ports), and its history in a database. */
async function writeFixture (t: TestContext): Promise<{ env: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'hall-energy-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const closed = await freePort()
  const server = (name: keyof typeof fx.servers, mac: string) => {
    const s = fx.servers[name]
    return {
      ip: '127.0.0.1',
      mac,
      policy: s.policy,
      wake: { method: 'udp', broadcast: '127.0.0.1', port: closed },
      health: [{ type: 'tcp', port: closed }],
      probe_timeout_seconds: 0.5,
      ...(s.power === null ? {} : { power: s.power }),
      ...('schedule' in s ? { schedule: s.schedule } : {})
    }
  }
  writeFileSync(join(dir, 'domains.json'), JSON.stringify({
    servers: { testing: server('testing', '02:00:00:00:00:01'), erp: server('erp', '02:00:00:00:00:02'), nas: server('nas', '02:00:00:00:00:03') },
    domains: Object.fromEntries(Object.entries(domains).map(([name, host]) => [host, { server: name, upstream: `http://127.0.0.1:${closed}` }]))
  }))
  const db = openStore(join(dir, 'hall.db'))
  for (const r of fx.hallRuns) db.prepare('INSERT INTO uptime (started_at, last_seen_at) VALUES (?, ?)').run(r.startedAt, r.lastSeenAt)
  for (const [name, s] of Object.entries(fx.servers)) {
    for (const tr of s.transitions) db.prepare('INSERT INTO transitions (server, from_phase, to_phase, at, reason) VALUES (?, ?, ?, ?, ?)').run(name, tr.from, tr.to, tr.at, 'fixture')
    for (const w of s.wakes) {
      db.prepare('INSERT INTO wakes (server, trigger, method, requested_at, running_at, outcome) VALUES (?, ?, ?, ?, ?, ?)').run(name, w.trigger, 'udp', w.requestedAt, w.runningAt, w.outcome)
    }
    const minute = Date.parse('2026-03-28T07:00:00Z')
    if (s.navigations.waited + s.navigations.passed > 0) {
      db.prepare('INSERT INTO activity (minute, domain, hits, waited, passed) VALUES (?, ?, ?, ?, ?)').run(minute, domains[name as keyof typeof domains], 7, s.navigations.waited, s.navigations.passed)
    }
  }
  db.close()
  return {
    env: {
      HALL_CONFIG: join(dir, 'domains.json'),
      HALL_DB: join(dir, 'hall.db'),
      HALL_ENERGY_PRICE: String(fx.pricePerKwh),
      HALL_GATEWAY_WATTS: String(fx.gatewayWatts),
      HALL_LOG_LEVEL: 'silent',
      TZ: fx.timeZone
    }
  }
}

const query = `from=${new Date(fx.period.from).toISOString()}&to=${new Date(fx.period.to).toISOString()}`

function checkAgainstHandComputation (r: EnergyReport): void {
  assertClose(r.hall_hours, fx.expected.hallHours, 'Hall\'s hours')
  const server = (name: string) => r.servers.find(s => s.name === name)!
  for (const name of ['testing', 'erp'] as const) {
    const x = fx.expected[name]
    assertClose(server(name).energy.kwh_used!, x.kwhUsed, `${name} used`)
    assertClose(server(name).energy.kwh_saved!, x.kwhSaved, `${name} saved`)
    assertClose(server(name).hours.unknown, x.hours.unknown, `${name} unknown`)
  }
  assertClose(server('nas').availability.share_serving!, fx.expected.nas.availability.share, 'nas availability')
  assertClose(server('erp').availability.share_serving!, fx.expected.erp.availability.share, 'erp availability')
  assert.deepEqual(server('testing').navigations, fx.servers.testing.navigations)
  assert.deepEqual([server('testing').wakes.median_ms, server('testing').wakes.p95_ms], [180_000, 300_000])
  assertClose(r.total.kwh_saved, fx.expected.total.kwhSaved, 'net saving')
  assertClose(r.total.money_saved!, fx.expected.total.moneySaved, 'money')
  assert.deepEqual(r.days.map(d => d.date), fx.expected.days.map(d => d.date))
  for (const [i, d] of fx.expected.days.entries()) assertClose(r.days[i]!.total.kwh_saved, d.total.saved, `${d.date} saved`)
}

test('GET /api/energy and hall energy give the hand-computed figures from the same database, and agree to the digit', async (t) => {
  const { env } = await writeFixture(t)
  const hall = await startService(readEnv({ ...env, HALL_HOST: '127.0.0.1', HALL_PORT: '0' }), { clock: aprilClock })
  t.after(async () => await hall.close())

  const res = await fetch(`${hall.url}/api/energy?${query}`)
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('cache-control'), 'no-store')
  const api = energyReportSchema.parse(await res.json())
  checkAgainstHandComputation(api)

  const cli = await runHall(['energy', '--from', new Date(fx.period.from).toISOString(), '--to', new Date(fx.period.to).toISOString(), '--json'], env)
  assert.equal(cli.code, 0, cli.stderr)
  assert.deepEqual(energyReportSchema.parse(JSON.parse(cli.stdout)), api)

  const table = await runHall(['energy', '--from', new Date(fx.period.from).toISOString(), '--to', new Date(fx.period.to).toISOString()], env)
  assert.equal(table.code, 0, table.stderr)
  // the net total as a person reads it: 10.087 kWh saved of 13.399, 75.3 %, 2.52 EUR
  assert.match(table.stdout, /10\.087 kWh saved net \(75\.3 %\), 2\.52 EUR/)
  // up (RUNNING + IDLE) 14 h 52 + 40 min = 15.53 h
  assert.match(table.stdout, /^testing +on_demand +15\.53 .* 2\.048 +8\.039 +5\.991 +74\.5 %/m)
  assert.match(table.stdout, /No power configured \(hours only\): nas/)
})

test('GET /api/energy is refused outside HALL_ADMIN_ALLOW, and a bad period is a 400 that says why', async (t) => {
  const { env } = await writeFixture(t)
  const hall = await startService(readEnv({ ...env, HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_ADMIN_ALLOW: '10.0.0.0/8' }))
  t.after(async () => await hall.close())
  const refused = await fetch(`${hall.url}/api/energy?${query}`)
  assert.equal(refused.status, 403)
  assert.equal(((await refused.json()) as { error: string }).error, 'HALL_ERR_ADMIN_NOT_ALLOWED')

  const allowed = await startService(readEnv({ ...env, HALL_DB: `${env.HALL_DB}-2`, HALL_HOST: '127.0.0.1', HALL_PORT: '0' }))
  t.after(async () => await allowed.close())
  const bad = await fetch(`${allowed.url}/api/energy?from=yesterday`)
  assert.equal(bad.status, 400)
  assert.match(((await bad.json()) as { message: string }).message, /"from" is not a date/)
})
