import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { pino } from 'pino'
import { parseCidr } from '../../../service/src/config/cidr.js'
import { parseConfig } from '../../../service/src/config/load.js'
import { domainStatusSchema, statusListSchema, type DomainStatus, type ServerStatus, type ShutdownJson, type StatusList } from '../../../service/src/contract/status.js'
import { healthSchema } from '../../../service/src/contract/health.js'
import { HallError } from '../../../service/src/errors.js'
import { buildApp } from '../../../service/src/http/app.js'
import { rememberPowerHistory } from '../../../service/src/http/recent-power-history.js'
import { createFleet } from '../../../service/src/lifecycle/fleet.js'
import { openHallStore, powerHistory } from '../../../service/src/store/index.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

// The status JSON as a client receives it, after Fastify's serializer: a field the response
// schema does not declare is silently dropped there, so each answer is compared whole with the
// object a user would expect. Real app, real SQLite file, fake clock; the LAN is a script.

const DOMAIN = 'app.hall.test'
const UNLISTED = 'intranet.hall.test'
const START = Date.parse('2026-11-28T09:00:00.000Z') // a Saturday: the weekday window is closed
const HOUR = 3_600_000
const at = (ms: number): string => new Date(ms).toISOString()

function config (): ReturnType<typeof parseConfig> {
  return parseConfig(JSON.stringify({
    relays: { pi: { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any' } },
    servers: {
      lab: {
        ip: '127.0.0.1',
        mac: '02:00:00:00:00:07',
        policy: 'scheduled',
        wake: { method: 'ssh', relay: 'pi', command: 'wakeonlan {mac}' },
        idle_shutdown_minutes: 20,
        shutdown: { relay: 'pi', command: 'sudo systemctl poweroff' },
        schedule: { timezone: 'Europe/Paris', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '19:00' }] }
      },
      spare: { ip: '127.0.0.2', mac: '02:00:00:00:00:08' }
    },
    domains: {
      [DOMAIN]: { server: 'lab', upstream: 'http://127.0.0.1:9' },
      [UNLISTED]: { server: 'lab', upstream: 'http://127.0.0.1:9', listed: false }
    }
  }))
}

/**
 * Hall whose server `lab` booted once three hours ago and was shut down an hour later; asked to
 * wake it now, the relay command fails. The scripted probes see nothing answer.
 */
async function startHall (t: TestContext): Promise<{ request: (url: string, from?: string) => Promise<{ status: number, body: unknown }> }> {
  const dir = mkdtempSync(join(tmpdir(), 'hall-status-'))
  const store = openHallStore(join(dir, 'hall.db'))
  const clock = createFakeClock(START)
  const booted = store.wakes.begin({ server: 'lab', trigger: 'schedule', method: 'ssh', requestedAt: START - 3 * HOUR })
  store.wakes.markSent(booted, { at: START - 3 * HOUR + 2000, packetsSent: 0, exitCode: 0, stderr: null })
  store.wakes.markAlive(booted, START - 3 * HOUR + 30_000)
  store.wakes.markRunning(booted, START - 3 * HOUR + 75_000)
  store.wakes.finish(booted, { outcome: 'running', at: START - 3 * HOUR + 75_000 })
  const off = store.shutdowns.begin({ server: 'lab', trigger: 'idle', requestedAt: START - 2 * HOUR })
  store.shutdowns.markSent(off, { at: START - 2 * HOUR + 1000, exitCode: 0, stderr: null })
  store.shutdowns.finish(off, { outcome: 'off', at: START - 2 * HOUR + 40_000 })

  // as main.ts wires it: the status views read history from memory, kept current by the fleet's writes
  const recent = rememberPowerHistory(powerHistory(store), store, ['lab', 'spare'])
  const fleet = createFleet({
    config: config(),
    clock,
    store: recent.store,
    log: { info () {}, warn () {}, error () {} },
    prober: {
      probe: async () => ({
        alive: false,
        ready: false,
        checks: [
          { type: 'tcp', target: '127.0.0.1:22', ok: false, reason: 'refused', durationMs: 1.4 },
          { type: 'http', target: 'http://127.0.0.1:8080/health', ok: false, reason: 'timeout', durationMs: 500.2 }
        ]
      })
    },
    waker: {
      wake: async () => {
        throw new HallError('HALL_ERR_SSH_EXIT_STATUS', 'wake command failed with exit code 127: wakeonlan: not found', { exitCode: 127, stderr: 'wakeonlan: not found\n' })
      }
    },
    shutdowner: {
      isBusy: async () => false,
      shutdown: async () => ({ exitCode: 0, stderr: '', durationMs: 1 })
    }
  })
  const app = buildApp({
    fleet,
    history: recent.history,
    clock,
    log: pino({ level: 'silent' }),
    publicUrl: 'https://hall.example.test',
    trustedProxies: [parseCidr('127.0.0.1/32')!],
    version: '9.9.9',
    apiKeys: store.apiKeys
  })
  t.after(async () => {
    await app.close()
    fleet.stop()
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve)) }
  fleet.start()
  clock.advance(0)
  await settle() // the first probe: both servers OFFLINE at START
  clock.advance(5000)
  fleet.wakeNow('lab', 'api')
  await settle() // the relay command fails at once
  clock.advance(5000)
  return {
    request: async (url, from = '198.51.100.7') => {
      const res = await app.inject({ method: 'GET', url, remoteAddress: from })
      return { status: res.statusCode, body: res.json() }
    }
  }
}

const lastShutdown: ShutdownJson = {
  id: 1,
  trigger: 'idle',
  requested_at: at(START - 2 * HOUR),
  sent_at: at(START - 2 * HOUR + 1000),
  exit_code: 0,
  off_at: at(START - 2 * HOUR + 40_000),
  outcome: 'off',
  error: null
}

const failedWake = {
  id: 2,
  trigger: 'api',
  method: 'ssh',
  requested_at: at(START + 5000),
  // the relay ran the command: "sent", no packet of Hall's own, and the command's exit code
  sent_at: at(START + 5000),
  packets_sent: 0,
  exit_code: 127,
  alive_at: null,
  running_at: null,
  finished_at: at(START + 5000),
  outcome: 'failed',
  error: { code: 'HALL_ERR_SSH_EXIT_STATUS', message: 'the relay could not run the command' },
  timeline_ms: { sent: 0, alive: null, running: null }
} as const

const labPower = { last_activity_at: null, idle_since: null, idle_shutdown_minutes: 20, shutdown_suspended: false, last_shutdown: lastShutdown }
const labSchedule = { timezone: 'Europe/Paris', open: false, next_change: 'opens', next_change_at: '2026-11-30T07:00:00.000Z', next_change_local: '2026-11-30T08:00:00+01:00' } as const

function domainStatus (domain: string): DomainStatus {
  return {
    domain,
    server: 'lab',
    state: 'OFFLINE',
    activity: 'asleep',
    since: at(START + 5000),
    policy: 'scheduled',
    expected_boot_seconds: 75,
    failure: { code: 'HALL_ERR_SSH_EXIT_STATUS', message: 'the relay could not run the command' },
    last_wake: failedWake,
    last_probe: {
      at: at(START + 10_000), // probed again after the failed wake
      alive: false,
      ready: false,
      checks: [
        { type: 'tcp', ok: false, reason: 'refused', duration_ms: 1 },
        { type: 'http', ok: false, reason: 'timeout', duration_ms: 500 }
      ]
    },
    power: labPower,
    schedule: labSchedule
  }
}

const servers: ServerStatus[] = [
  { server: 'lab', state: 'OFFLINE', since: at(START + 5000), policy: 'scheduled', domains: [DOMAIN, UNLISTED], last_wake: failedWake, power: labPower, schedule: labSchedule },
  {
    server: 'spare',
    state: 'OFFLINE',
    since: at(START),
    policy: 'on_demand',
    domains: [],
    last_wake: null,
    power: { last_activity_at: null, idle_since: null, idle_shutdown_minutes: null, shutdown_suspended: false, last_shutdown: null },
    schedule: null
  }
]

test('GET /api/status/:domain: every field of the contract reaches the client, nested ones included', async (t) => {
  const hall = await startHall(t)
  const res = await hall.request(`/api/status/${DOMAIN}`)
  assert.equal(res.status, 200)
  assert.deepEqual(res.body, domainStatus(DOMAIN))
  assert.deepEqual(domainStatusSchema.parse(res.body), res.body, 'and it reads back through the contract unchanged')
})

test('GET /api/status: the listed domains for the internet; every domain and server for the gateway itself', async (t) => {
  const hall = await startHall(t)
  const pub = await hall.request('/api/status')
  assert.equal(pub.status, 200)
  assert.deepEqual(pub.body, { domains: [domainStatus(DOMAIN)] } satisfies StatusList)
  const local = await hall.request('/api/status', '127.0.0.1')
  assert.deepEqual(local.body, { domains: [domainStatus(DOMAIN), domainStatus(UNLISTED)], servers } satisfies StatusList)
  assert.deepEqual(statusListSchema.parse(local.body), local.body)
})

test('GET /healthz: status, version and uptime', async (t) => {
  const hall = await startHall(t)
  const res = await hall.request('/healthz')
  assert.equal(res.status, 200)
  assert.deepEqual(res.body, { status: 'ok', version: '9.9.9', uptime_seconds: 10 })
  assert.deepEqual(healthSchema.parse(res.body), res.body)
})

test('GET /api/status/:domain: an unknown or malformed domain is an error in JSON, with its code and message', async (t) => {
  const hall = await startHall(t)
  const unknown = await hall.request('/api/status/nope.example.test')
  assert.deepEqual(unknown, { status: 404, body: { error: 'HALL_ERR_DOMAIN_UNKNOWN', message: 'Hall does not serve nope.example.test' } })
  const tooLong = await hall.request(`/api/status/${'a'.repeat(254)}`)
  assert.equal(tooLong.status, 400)
  assert.deepEqual(Object.keys(tooLong.body as object), ['error', 'message'])
  assert.equal((tooLong.body as { error: string }).error, 'HALL_ERR_HTTP_BAD_REQUEST')
})
