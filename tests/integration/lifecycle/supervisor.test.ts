import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { parseConfig } from '../../../service/src/config/load.js'
import type { WakeReport, Waker } from '../../../service/src/ports/power.js'
import type { ProbeOutcome } from '../../../service/src/ports/probe.js'
import { FAST_PROBE_MS } from '../../../service/src/lifecycle/probe-loop.js'
import { createSupervisor } from '../../../service/src/lifecycle/supervisor.js'
import { openHallStore, type HallStore } from '../../../service/src/store/index.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

const silent = { info () {}, warn () {}, error () {} }
const server = parseConfig(JSON.stringify({
  servers: { lab: { ip: '127.0.0.1', mac: '02:00:00:00:00:07', wake_timeout_seconds: 30, probe_interval_seconds: 10 } },
  domains: { 'app.hall.test': { server: 'lab', upstream: 'http://127.0.0.1:9' } }
})).servers.get('lab')!
/** The same server woken by a command on a relay. */
const relayWoken = parseConfig(JSON.stringify({
  relays: { lan: { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any' } },
  servers: { lab: { ip: '127.0.0.1', mac: '02:00:00:00:00:07', wake: { method: 'ssh', relay: 'lan' }, wake_timeout_seconds: 30, probe_interval_seconds: 10 } },
  domains: { 'app.hall.test': { server: 'lab', upstream: 'http://127.0.0.1:9' } }
})).servers.get('lab')!

/** A supervisor over a real SQLite file, driven by a fake clock; the machine's answers are scripted. */
interface HarnessOptions {
  /** Rows written before the supervisor starts, as a previous run of Hall would have left them. */
  history?: (store: HallStore, now: number) => void
  /** The store as the supervisor sees it: lets a test make one write fail. */
  storeSeenBySupervisor?: (store: HallStore) => HallStore
  waker?: Waker
  /** Another config for the server (default: woken by UDP). */
  config?: typeof server
}

function harness (t: TestContext, { history, storeSeenBySupervisor, waker, config }: HarnessOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hall-sup-'))
  const store: HallStore = openHallStore(join(dir, 'hall.db'))
  t.after(() => { store.close(); rmSync(dir, { recursive: true, force: true }) })
  const clock = createFakeClock()
  history?.(store, clock.now())
  const machine = { alive: false, ready: false, probes: 0, wakes: 0 }
  const supervisor = createSupervisor({
    server: config ?? server,
    clock,
    store: storeSeenBySupervisor?.(store) ?? store,
    log: silent,
    onChange: () => {},
    shutdowner: { isBusy: async () => false, shutdown: async () => ({ exitCode: 0, stderr: '', durationMs: 0 }) },
    prober: { probe: async (): Promise<ProbeOutcome> => { machine.probes++; return { alive: machine.alive, ready: machine.ready, checks: [] } } },
    waker: waker ?? { wake: async (): Promise<WakeReport> => { machine.wakes++; return { method: 'udp', packetsSent: 3, exitCode: null, stderr: null, durationMs: 1 } } }
  })
  t.after(() => supervisor.stop())
  /** Advances fake time, letting the probe promises settle between timer firings. */
  const advance = async (ms: number, step = 100): Promise<void> => {
    for (let done = 0; done < ms; done += step) {
      clock.advance(step)
      await new Promise(resolve => setImmediate(resolve))
    }
  }
  return { supervisor, store, clock, machine, advance }
}

test('a wake that never reaches RUNNING is recorded as timed out at its deadline, and the server is OFFLINE again', async (t) => {
  const { supervisor, store, machine, advance } = harness(t)
  supervisor.start()
  await advance(200)
  assert.equal(supervisor.state().phase, 'OFFLINE')
  supervisor.requestWake('request')
  await advance(29_000)
  assert.equal(supervisor.state().phase, 'WAKING')
  await advance(1_500)
  assert.equal(supervisor.state().phase, 'OFFLINE')
  const wake = store.wakes.latest('lab')!
  assert.equal(wake.outcome, 'timeout')
  assert.equal(wake.errorCode, 'HALL_ERR_WAKE_TIMEOUT')
  assert.equal(machine.wakes, 1)
  const transitions = store.transitions.recent('lab', 10).map(r => `${r.from}->${r.to}`).reverse()
  assert.deepEqual(transitions, ['UNKNOWN->OFFLINE', 'OFFLINE->WAKING', 'WAKING->OFFLINE'])
})

test('probes run every 500 ms while waking and at the steady interval otherwise', async (t) => {
  const { supervisor, machine, advance } = harness(t)
  supervisor.start()
  await advance(200)
  const steady = machine.probes
  await advance(9_000)
  assert.equal(machine.probes, steady, 'no probe before the 10 s interval')
  supervisor.requestWake('request')
  const before = machine.probes
  await advance(5_000)
  const fast = machine.probes - before
  assert.ok(fast >= 5_000 / FAST_PROBE_MS - 1 && fast <= 5_000 / FAST_PROBE_MS + 2, `${fast} probes in 5 s of waking`)
})

test('RUNNING is noticed within a second of the server becoming healthy, and the wake timeline is complete', async (t) => {
  const { supervisor, store, machine, advance } = harness(t)
  supervisor.start()
  await advance(200)
  supervisor.requestWake('request')
  await advance(3_000)
  machine.alive = true
  await advance(1_000)
  assert.equal(supervisor.state().phase, 'BOOTING')
  machine.ready = true
  await advance(1_000)
  assert.equal(supervisor.state().phase, 'RUNNING')
  const wake = store.wakes.latest('lab')!
  assert.equal(wake.outcome, 'running')
  assert.ok(wake.sentAt! <= wake.aliveAt! && wake.aliveAt! <= wake.runningAt!)
})

test('a server powered on by hand is recorded as an external boot', async (t) => {
  const { supervisor, store, machine, advance } = harness(t)
  supervisor.start()
  await advance(200)
  machine.alive = true
  machine.ready = true
  await advance(10_500)
  assert.equal(supervisor.state().phase, 'RUNNING')
  const wake = store.wakes.latest('lab')!
  assert.equal(wake.trigger, 'external')
  assert.equal(wake.method, 'none')
  assert.equal(wake.outcome, 'running')
  assert.equal(machine.wakes, 0, 'no packet sent for an external boot')
})

test('after a restart, a server last seen RUNNING keeps its traffic until a probe says otherwise', async (t) => {
  let lastActivityAt = 0
  const { supervisor, advance } = harness(t, {
    history: (store, now) => {
      lastActivityAt = now - 60_000
      store.serverStates.save({ server: 'lab', phase: 'RUNNING', since: now - 3_600_000, wakeId: null, lastActivityAt, idleFrom: lastActivityAt, shutdownId: null, pendingWake: null, retryNotBefore: null, autoWakeNotBefore: null, shutdownSuspended: false, updatedAt: now - 1000 })
    }
  })
  assert.equal(supervisor.state().phase, 'RUNNING', 'no waiting page for live traffic while the first probe runs')
  assert.equal(supervisor.state().lastActivityAt, lastActivityAt, 'the idle clock is not reset')
  supervisor.start()
  await advance(200)
  assert.equal(supervisor.state().phase, 'OFFLINE', 'one failed probe is enough to take the belief back')
})

test('after a restart, a pending wake past its deadline is closed as timed out, and one still running is resumed', async (t) => {
  let stale = 0
  let live = 0
  const { supervisor, store, machine, advance } = harness(t, {
    history: (store, now) => {
      stale = store.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: now - 600_000 })
      live = store.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: now - 5_000 })
      store.wakes.markSent(live, { at: now - 4_900, packetsSent: 3, exitCode: null, stderr: null })
    }
  })
  assert.equal(store.wakes.get(stale)!.outcome, 'timeout')
  assert.equal(store.wakes.get(stale)!.errorMessage, 'its deadline passed while Hall was not running')
  assert.equal(supervisor.state().phase, 'WAKING')
  supervisor.start()
  await advance(1_000)
  assert.equal(machine.wakes, 0, 'the resumed wake had sent its packet: none is sent again')
  await advance(25_000)
  assert.equal(store.wakes.get(live)!.outcome, 'timeout', 'the resumed wake keeps its original deadline')
})

test('after a restart, a wake recorded but never sent is sent', async (t) => {
  const { supervisor, store, machine, advance } = harness(t, {
    history: (store, now) => {
      store.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: now - 1_000 })
    }
  })
  supervisor.start()
  await advance(200)
  assert.equal(machine.wakes, 1)
  assert.equal(store.wakes.latest('lab')!.packetsSent, 3)
})

test('a database that refuses a write loses that record, not the wake or its deadline', async (t) => {
  const { supervisor, machine, advance } = harness(t, {
    storeSeenBySupervisor: store => ({ ...store, wakes: { ...store.wakes, begin: () => { throw new Error('SQLITE_BUSY: database is locked') } } })
  })
  supervisor.start()
  await advance(200)
  supervisor.requestWake('request')
  await advance(200)
  assert.equal(machine.wakes, 1, 'the packet still left')
  assert.equal(supervisor.state().phase, 'WAKING')
  await advance(31_000)
  assert.equal(supervisor.state().phase, 'OFFLINE', 'the deadline still fired')
})

test('a relay command still running when the server comes up is cancelled', async (t) => {
  let relaySignal: AbortSignal | undefined
  const { supervisor, machine, advance } = harness(t, {
    config: relayWoken,
    // a relay that never exits on its own
    waker: { wake: async (_server, signal) => { relaySignal = signal; return await new Promise<WakeReport>(() => {}) } }
  })
  supervisor.start()
  await advance(200)
  supervisor.requestWake('request')
  await advance(200)
  assert.equal(relaySignal?.aborted, false)
  machine.alive = true
  machine.ready = true
  await advance(1_000)
  assert.equal(supervisor.state().phase, 'RUNNING')
  assert.equal(relaySignal?.aborted, true)
})
