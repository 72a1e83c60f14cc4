import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import Database from 'better-sqlite3'
import { parseConfig } from '../../../service/src/config/load.js'
import { HallError } from '../../../service/src/errors.js'
import { createFleet } from '../../../service/src/lifecycle/fleet.js'
import type { ProbeOutcome } from '../../../service/src/ports/probe.js'
import { POWER_OFF_SETTLE_MS } from '../../../service/src/lifecycle/transitions.js'
import { openHallStore } from '../../../service/src/store/index.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

const silent = { info () {}, warn () {}, error () {} }
const DOMAIN = 'app.hall.test'
const MINUTE = 60_000
const shutdown = { relay: 'admin', command: 'sudo systemctl poweroff', busy_check: 'pgrep make' }
const onDemand = { policy: 'on_demand', idle_shutdown_minutes: 20, shutdown }

function configOf (server: Record<string, unknown>, extraServers: Record<string, unknown> = {}) {
  return parseConfig(JSON.stringify({
    relays: { admin: { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any' } },
    servers: { lab: { ip: '127.0.0.1', mac: '02:00:00:00:00:07', wake_timeout_seconds: 60, ...server }, ...extraServers },
    domains: { [DOMAIN]: { server: 'lab', upstream: 'http://127.0.0.1:9' } }
  }))
}

/**
 * A fleet over a real SQLite file on a fake clock. The LAN is a script; the busy check answers
 * only when the test says so, and a wake can be made to take (fake) time, like a relay command.
 */
function fleetRig (t: TestContext, server: Record<string, unknown>, opts: { start?: number, wakeMs?: number, wakeFails?: boolean, extraServers?: Record<string, unknown> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hall-fleet-'))
  const store = openHallStore(join(dir, 'hall.db'))
  const clock = createFakeClock(opts.start)
  const lan = { alive: true, ready: true, wakes: 0, wakesDone: 0, busyChecks: 0, shutdowns: 0, obeysShutdown: true }
  let answerBusyCheck: ((busy: boolean) => void) | null = null
  const fleet = createFleet({
    config: configOf(server, opts.extraServers),
    clock,
    store,
    log: silent,
    prober: { probe: async (): Promise<ProbeOutcome> => ({ alive: lan.alive, ready: lan.ready, checks: [] }) },
    waker: {
      wake: async (_server, signal) => {
        lan.wakes++
        // like a relay command: it takes time, and an abort kills it before the packet leaves
        if (opts.wakeMs !== undefined) {
          await new Promise((resolve, reject) => {
            const timer = clock.setTimeout(() => resolve(undefined), opts.wakeMs!)
            signal.addEventListener('abort', () => { clock.clearTimeout(timer); reject(new Error('aborted')) })
          })
        }
        lan.wakesDone++
        if (opts.wakeFails === true) throw new HallError('HALL_ERR_SSH_EXIT_STATUS', 'wake command failed with exit code 127: wakeonlan: not found', { exitCode: 127, stderr: 'wakeonlan: not found\n' })
        return { method: 'udp', packetsSent: 3, exitCode: null, stderr: null, durationMs: 1 }
      }
    },
    shutdowner: {
      isBusy: async () => { lan.busyChecks++; return await new Promise<boolean>(resolve => { answerBusyCheck = resolve }) },
      shutdown: async () => {
        lan.shutdowns++
        if (lan.obeysShutdown) Object.assign(lan, { alive: false, ready: false })
        return { exitCode: 0, stderr: '', durationMs: 1 }
      }
    }
  })
  t.after(() => { fleet.stop(); store.close(); rmSync(dir, { recursive: true, force: true }) })
  const advance = async (ms: number, step = 250): Promise<void> => {
    for (let done = 0; done < ms; done += step) {
      clock.advance(Math.min(step, ms - done))
      for (let i = 0; i < 3; i++) await new Promise(resolve => setImmediate(resolve))
    }
  }
  return { fleet, store, clock, lan, advance, answerBusyCheck: (busy: boolean) => answerBusyCheck?.(busy) }
}

const phase = (r: ReturnType<typeof fleetRig>): string => r.fleet.lookup(DOMAIN)!.phase

test('a manual shutdown during an idle busy check replaces it: no check, no veto, the command is sent', async (t) => {
  const r = fleetRig(t, onDemand)
  r.fleet.start()
  await r.advance(20 * MINUTE + 15_000, 1000)
  assert.equal(r.lan.busyChecks, 1, 'the idle shutdown is at its busy check')
  const ticket = r.fleet.shutdownNow('lab', 'api')
  assert.equal(ticket.outcome, 'started')
  r.answerBusyCheck(true) // the old check says busy, too late to matter
  await r.advance(2000)
  assert.equal(r.lan.shutdowns, 1)
  assert.equal(phase(r), 'OFFLINE')
  const rows = r.store.shutdowns.recent('lab', 5).map(s => [s.trigger, s.outcome])
  assert.deepEqual(rows, [['api', 'off'], ['idle', 'cancelled']])
})

test('a manual shutdown of a scheduled server inside its window is refused: the schedule would wake it again', async (t) => {
  const office = { ...onDemand, policy: 'scheduled', schedule: { timezone: 'Europe/Paris', windows: [{ days: ['thu'], from: '08:00', to: '19:00' }] } }
  const r = fleetRig(t, office, { start: Date.parse('2026-11-26T09:00:00Z') }) // Thursday 10:00 in Paris
  r.fleet.start()
  await r.advance(1000)
  const ticket = r.fleet.shutdownNow('lab', 'api')
  assert.equal(ticket.outcome, 'refused')
  assert.match(ticket.reason ?? '', /schedule window/)
  assert.equal(r.lan.shutdowns, 0)
})

test('hot reload during SHUTDOWN keeps the request that was waiting: the server is woken once it has gone quiet', async (t) => {
  const r = fleetRig(t, { ...onDemand, shutdown: { relay: 'admin', command: 'poweroff' } })
  r.lan.obeysShutdown = false
  r.fleet.start()
  await r.advance(20 * MINUTE + 15_000, 1000)
  assert.equal(phase(r), 'SHUTDOWN')
  r.fleet.requestWake('lab', 'request')
  await r.advance(500)
  const summary = r.fleet.reload(configOf({ ...onDemand, shutdown: { relay: 'admin', command: 'poweroff' }, idle_shutdown_minutes: 30 }))
  assert.deepEqual(summary.changed, ['lab'])
  Object.assign(r.lan, { alive: false, ready: false })
  await r.advance(3000 + POWER_OFF_SETTLE_MS)
  assert.equal(r.lan.wakes, 1, 'the held request still wakes the server')
})

/** A wake whose relay command takes 300 ms, and a reload that changes its server 10 ms in. */
async function wakeThenReload (r: ReturnType<typeof fleetRig>): Promise<void> {
  Object.assign(r.lan, { alive: false, ready: false })
  r.fleet.start()
  await r.advance(1000)
  r.fleet.wakeNow('lab', 'api')
  await r.advance(10)
  r.fleet.reload(configOf({ ...onDemand, idle_shutdown_minutes: 30 }))
}

test('hot reload while a wake is on its way sends no second wake', async (t) => {
  const r = fleetRig(t, onDemand, { wakeMs: 300 })
  await wakeThenReload(r)
  await r.advance(400) // the relay command finishes, after the reload
  assert.equal(r.lan.wakesDone, 1)
  await r.advance(2000)
  assert.equal(r.lan.wakes, 1, 'not sent again by the new supervisor')
  assert.equal(r.lan.wakesDone, 1, 'and the one on its way was not killed by the reload')
  assert.equal(phase(r), 'WAKING', 'the new supervisor waits on the wake under way')
})

test('a relay failing after a hot reload still fails the wake at once, with its exit code, on the new supervisor', async (t) => {
  const r = fleetRig(t, onDemand, { wakeMs: 300, wakeFails: true })
  await wakeThenReload(r)
  await r.advance(400) // the relay answers, after the reload
  assert.equal(phase(r), 'OFFLINE', 'not WAKING until the wake timeout')
  const wake = r.store.wakes.latest('lab')!
  assert.deepEqual([wake.outcome, wake.exitCode, wake.errorCode], ['failed', 127, 'HALL_ERR_SSH_EXIT_STATUS'])
})

test('a reload that cannot be applied (database locked) changes nothing: the old config and supervisor stay', async (t) => {
  const r = fleetRig(t, onDemand)
  r.fleet.start()
  await r.advance(1000)
  // a wake a crash left behind: restoring the changed server must close it, a write
  r.store.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: r.clock.now() - 3_600_000 })
  const other = new Database(r.store.db.name)
  t.after(() => other.close())
  other.prepare('BEGIN IMMEDIATE').run() // a backup or `hall apikey create` holding the write lock
  assert.throws(() => r.fleet.reload(configOf({ ...onDemand, idle_shutdown_minutes: 30 })), /HALL_ERR_CONFIG_RELOAD|could not be applied/)
  other.prepare('ROLLBACK').run()
  assert.ok(r.fleet.supervisor('lab') !== undefined)
  assert.equal(r.fleet.config().servers.get('lab')!.idleShutdownMs, 20 * MINUTE)
  assert.equal(phase(r), 'RUNNING')
})

test('a server removed from the config has its open wake closed, not left pending forever', async (t) => {
  const r = fleetRig(t, onDemand, { extraServers: { spare: { ip: '127.0.0.2', mac: '02:00:00:00:00:08' } } })
  r.fleet.start()
  await r.advance(1000)
  const stale = r.store.wakes.begin({ server: 'spare', trigger: 'api', method: 'udp', requestedAt: r.clock.now() })
  const summary = r.fleet.reload(configOf(onDemand))
  assert.deepEqual(summary.removed, ['spare'])
  assert.equal(r.store.wakes.get(stale)!.outcome, 'cancelled')
  assert.equal(r.store.serverStates.loadAll().has('spare'), false)
})

test('a hit on an IDLE server reaches its supervisor at once, not at the next flush', async (t) => {
  const r = fleetRig(t, onDemand)
  r.fleet.start()
  await r.advance(6 * MINUTE, 1000)
  assert.equal(phase(r), 'IDLE')
  r.fleet.noteActivity(DOMAIN)
  r.clock.advance(0) // the hit is handed over on the next turn of the event loop; no fake time passes
  assert.equal(phase(r), 'RUNNING')
})
