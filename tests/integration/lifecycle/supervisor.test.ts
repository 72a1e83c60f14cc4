import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { parseConfig } from '../../../service/src/config/load.js'
import type { ProbeOutcome, WakeReport } from '../../../service/src/lifecycle/ports.js'
import { createSupervisor, FAST_PROBE_MS } from '../../../service/src/lifecycle/supervisor.js'
import { openHallStore, type HallStore } from '../../../service/src/store/index.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

const silent = { info () {}, warn () {}, error () {} }
const server = parseConfig(JSON.stringify({
  servers: { lab: { ip: '127.0.0.1', mac: '02:00:00:00:00:07', wake_timeout_seconds: 30, probe_interval_seconds: 10 } },
  domains: { 'app.hall.test': { server: 'lab', upstream: 'http://127.0.0.1:9' } }
})).servers.get('lab')!

/** A supervisor over a real SQLite file, driven by a fake clock; the machine's answers are scripted. */
function harness (t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'hall-sup-'))
  const store: HallStore = openHallStore(join(dir, 'hall.db'))
  t.after(() => { store.close(); rmSync(dir, { recursive: true, force: true }) })
  const clock = createFakeClock()
  const machine = { alive: false, ready: false, probes: 0, wakes: 0 }
  const supervisor = createSupervisor({
    server,
    clock,
    store,
    log: silent,
    onChange: () => {},
    prober: { probe: async (): Promise<ProbeOutcome> => { machine.probes++; return { alive: machine.alive, ready: machine.ready, checks: [] } } },
    waker: { wake: async (): Promise<WakeReport> => { machine.wakes++; return { method: 'udp', packetsSent: 3, exitCode: null, stderr: null, durationMs: 1 } } }
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
  assert.ok(machine.probes - before >= 5_000 / FAST_PROBE_MS - 1, `${machine.probes - before} probes in 5 s of waking`)
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
