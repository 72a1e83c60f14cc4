import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import Fastify from 'fastify'
import { pino } from 'pino'
import { parseCidr } from '../../../service/src/config/cidr.js'
import { parseConfig } from '../../../service/src/config/load.js'
import { toResponseSchema } from '../../../service/src/contract/json-schema.js'
import { domainStatusSchema, statusListSchema, type DomainStatus, type StatusList } from '../../../service/src/contract/status.js'
import { buildApp } from '../../../service/src/http/app.js'
import { rememberPowerHistory } from '../../../service/src/http/recent-power-history.js'
import { createFleet, type Fleet } from '../../../service/src/lifecycle/fleet.js'
import type { ProbeOutcome } from '../../../service/src/ports/probe.js'
import { openHallStore } from '../../../service/src/store/index.js'
import { powerHistory } from '../../../service/src/store/index.js'
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock.js'

// The status answers are serialized once per change and kept: each kind of change must still
// reach the next answer (a probe, a wake, a reload, a schedule window opening with nothing else
// happening), and the kept bytes must be the ones the contract's serializer writes.

const LAB = 'lab.hall.test'
const UNLISTED = 'intranet.hall.test'
const SPARE = 'spare.hall.test'
const START = Date.parse('2026-11-28T09:00:00.000Z') // a Saturday: lab's weekday window is closed
const OPENS = Date.parse('2026-11-30T07:00:00.000Z') // Monday 08:00 in Paris

function config (unlistedIsListed = false): ReturnType<typeof parseConfig> {
  return parseConfig(JSON.stringify({
    servers: {
      lab: {
        ip: '127.0.0.1',
        mac: '02:00:00:00:00:07',
        policy: 'scheduled',
        schedule: { timezone: 'Europe/Paris', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '19:00' }] }
      },
      spare: { ip: '127.0.0.2', mac: '02:00:00:00:00:08' }
    },
    domains: {
      [LAB]: { server: 'lab', upstream: 'http://127.0.0.1:9' },
      [UNLISTED]: { server: 'lab', upstream: 'http://127.0.0.1:9', listed: unlistedIsListed },
      [SPARE]: { server: 'spare', upstream: 'http://127.0.0.2:9' }
    }
  }))
}

interface Hall {
  fleet: Fleet
  clock: FakeClock
  /** The probe outcome every server gets from now on. */
  probeWith: (outcome: ProbeOutcome) => void
  get: (url: string, from?: string) => Promise<{ status: number, text: string }>
  list: (from?: string) => Promise<StatusList>
}

async function startHall (t: TestContext): Promise<Hall> {
  const dir = mkdtempSync(join(tmpdir(), 'hall-status-answers-'))
  const store = openHallStore(join(dir, 'hall.db'))
  const clock = createFakeClock(START)
  let outcome: ProbeOutcome = { alive: false, ready: false, checks: [{ type: 'tcp', target: 't', ok: false, reason: 'refused', durationMs: 1 }] }
  const recent = rememberPowerHistory(powerHistory(store), store, ['lab', 'spare'])
  const fleet = createFleet({
    config: config(),
    clock,
    store: recent.store,
    log: { info () {}, warn () {}, error () {} },
    prober: { probe: async () => outcome },
    waker: { wake: async () => ({ method: 'udp', packetsSent: 3, exitCode: null, stderr: null, durationMs: 1 }) },
    shutdowner: { isBusy: async () => false, shutdown: async () => ({ exitCode: 0, stderr: '', durationMs: 1 }) }
  })
  const app = buildApp({ fleet, history: recent.history, clock, log: pino({ level: 'silent' }), publicUrl: 'https://hall.example.test', trustedProxies: [parseCidr('127.0.0.1/32')!], version: '9.9.9', apiKeys: store.apiKeys })
  t.after(async () => {
    await app.close()
    fleet.stop()
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const get = async (url: string, from = '198.51.100.7'): Promise<{ status: number, text: string }> => {
    const res = await app.inject({ method: 'GET', url, remoteAddress: from })
    return { status: res.statusCode, text: res.body }
  }
  return { fleet, clock, probeWith: (o) => { outcome = o }, get, list: async (from) => JSON.parse((await get('/api/status', from)).text) as StatusList }
}

/** Lets the probes and the records they start run: each is a few promise turns. */
async function settle (): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve))
}

const domain = (list: StatusList, host: string): DomainStatus => list.domains.find(d => d.domain === host)!

test('the kept answers are the bytes the contract\'s own serializers write', async (t) => {
  const hall = await startHall(t)
  hall.fleet.start()
  hall.clock.advance(0)
  await settle()
  // Fastify serializing the same objects with the schemas generated from the contract
  const reference = Fastify()
  reference.post('/list', { schema: { response: { 200: toResponseSchema(statusListSchema) } } }, async (req) => req.body)
  reference.post('/domain', { schema: { response: { 200: toResponseSchema(domainStatusSchema) } } }, async (req) => req.body)
  t.after(() => reference.close())
  const serialized = async (url: string, text: string): Promise<string> => (await reference.inject({ method: 'POST', url, payload: JSON.parse(text) })).body

  for (const from of ['198.51.100.7', '127.0.0.1']) {
    const { text } = await hall.get('/api/status', from)
    assert.equal(text, await serialized('/list', text), `the list as ${from} gets it`)
    assert.equal(text, (await hall.get('/api/status', from)).text, 'asked again: the same answer')
  }
  for (const host of [LAB, UNLISTED, SPARE]) {
    const { text } = await hall.get(`/api/status/${host}`)
    assert.equal(text, await serialized('/domain', text), host)
    assert.equal(JSON.parse(text).domain, host)
  }
})

test('a new probe, a wake and a reload each reach the next answer', async (t) => {
  const hall = await startHall(t)
  hall.fleet.start()
  hall.clock.advance(0)
  await settle()
  const before = await hall.list()
  assert.equal(domain(before, SPARE).state, 'OFFLINE')
  assert.equal(domain(before, SPARE).last_probe?.checks[0]?.duration_ms, 1)

  hall.probeWith({ alive: false, ready: false, checks: [{ type: 'tcp', target: 't', ok: false, reason: 'timeout', durationMs: 500 }] })
  hall.clock.advance(hall.fleet.config().servers.get('spare')!.probeIntervalMs)
  await settle()
  assert.deepEqual(domain(await hall.list(), SPARE).last_probe?.checks, [{ type: 'tcp', ok: false, reason: 'timeout', duration_ms: 500 }])

  hall.fleet.wakeNow('spare', 'api')
  await settle()
  const woken = domain(await hall.list(), SPARE)
  assert.equal(woken.state, 'WAKING')
  assert.equal(woken.last_wake?.trigger, 'api')
  assert.equal(woken.last_wake?.packets_sent, 3, 'the packets sent, recorded after the wake began')
  assert.deepEqual(JSON.parse((await hall.get(`/api/status/${SPARE}`)).text), woken, 'the domain\'s own answer agrees')

  assert.deepEqual((await hall.list()).domains.map(d => d.domain), [LAB, SPARE])
  hall.fleet.reload(config(true))
  assert.deepEqual((await hall.list()).domains.map(d => d.domain), [UNLISTED, LAB, SPARE], 'listed by the new config')
})

test('a schedule window opening changes the answer with nothing else happening', async (t) => {
  // the fleet is not started: no probe, no tick, no state change; only the time moves
  const hall = await startHall(t)
  const closed = domain(await hall.list(), LAB).schedule
  assert.deepEqual(closed, { timezone: 'Europe/Paris', open: false, next_change: 'opens', next_change_at: new Date(OPENS).toISOString(), next_change_local: '2026-11-30T08:00:00+01:00' })
  hall.clock.advance(OPENS - START - 1)
  assert.deepEqual(domain(await hall.list(), LAB).schedule, closed, 'a millisecond before')
  hall.clock.advance(1)
  const open = domain(await hall.list(), LAB).schedule
  assert.equal(open?.open, true)
  assert.equal(open?.next_change, 'closes')
  assert.equal(JSON.parse((await hall.get(`/api/status/${LAB}`)).text).schedule.open, true)
})
