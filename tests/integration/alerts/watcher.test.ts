import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { watchForAlerts, type AlertWatcher } from '../../../service/src/alerts/alert-watcher.js'
import { parseConfig } from '../../../service/src/config/load.js'
import type { HallConfig } from '../../../service/src/config/types.js'
import { rememberPowerHistory } from '../../../service/src/http/recent-power-history.js'
import { createFleet, type Fleet } from '../../../service/src/lifecycle/fleet.js'
import { openHallStore, powerHistory } from '../../../service/src/store/index.js'
import { createFakeClock } from '../../helpers/fake-clock.js'
import { until } from '../../helpers/hall-in-process.js'
import { capturedLog, startReceiver, type Received } from './alert-rig.js'

// The watcher on a real fleet (real SQLite file, fake clock, a scripted LAN): an always_on server
// that stays down past down_after_minutes, then comes back. Messages go to a loopback receiver.

const MINUTE = 60_000
const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve)) }

/** domains.json with one always_on server, "nas", and `alerts` as given. */
const configWith = (alerts: unknown[]): HallConfig => parseConfig(JSON.stringify({
  servers: { nas: { ip: '127.0.0.1', mac: '02:00:00:00:00:09', policy: 'always_on', wake: { method: 'udp', broadcast: '127.0.0.1', port: 9 } } },
  domains: { 'nas.hall.test': { server: 'nas', upstream: 'http://127.0.0.1:9' } },
  alerts
}))

interface Rig {
  fleet: Fleet
  watcher: AlertWatcher
  received: Received[]
  logged: () => string
  /** Moves the fake clock by `ms`, 10 s at a time, letting each step's work run. */
  pass: (ms: number) => Promise<void>
  setUp: (up: boolean) => void
}

async function startRig (t: TestContext, alerts: (receiverUrl: string) => unknown[]): Promise<Rig & { receiverUrl: string }> {
  const receiver = await startReceiver(t)
  const dir = mkdtempSync(join(tmpdir(), 'hall-alert-watch-'))
  const store = openHallStore(join(dir, 'hall.db'))
  const clock = createFakeClock()
  const { log, text } = capturedLog()
  let up = false
  const recent = rememberPowerHistory(powerHistory(store), store, ['nas'])
  const fleet = createFleet({
    config: configWith(alerts(receiver.url)),
    clock,
    store: recent.store,
    log,
    prober: { probe: async () => ({ alive: up, ready: up, checks: [] }) },
    waker: { wake: async () => ({ method: 'udp', packetsSent: 1, exitCode: null, stderr: null, durationMs: 1 }) },
    shutdowner: { isBusy: async () => false, shutdown: async () => ({ exitCode: 0, stderr: '', durationMs: 1 }) }
  })
  const watcher = watchForAlerts({ fleet, records: recent.history, clock, log, secrets: () => null })
  t.after(() => {
    watcher.close()
    fleet.stop()
    store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const pass = async (ms: number): Promise<void> => {
    for (let done = 0; done < ms; done += 10_000) {
      clock.advance(10_000)
      await settle()
    }
  }
  fleet.start()
  clock.advance(0)
  await settle()
  return { fleet, watcher, received: receiver.received, logged: text, pass, setUp: (value) => { up = value }, receiverUrl: receiver.url }
}

const summary = (received: Received[]): string[] => received.map(r => {
  const m = JSON.parse(r.body) as { event: string, status: string, server: string }
  return `${m.status} ${m.event} ${m.server}`
})

test('an always_on server down for more than N minutes: one alert, then one recovery when it serves', async (t) => {
  const rig = await startRig(t, url => [{ name: 'ops', url: `${url}/hook`, events: ['always_on_down'], down_after_minutes: 5 }])
  await rig.pass(4 * MINUTE)
  await rig.watcher.settled()
  assert.equal(rig.received.length, 0, 'not yet: down for 4 minutes')
  await rig.pass(2 * MINUTE)
  await until(() => rig.received.length === 1)
  await rig.pass(10 * MINUTE) // still down: the same incident
  rig.setUp(true)
  await rig.pass(MINUTE)
  assert.equal(rig.fleet.lookup('nas.hall.test')?.phase, 'RUNNING')
  await until(() => rig.received.length === 2)
  await rig.watcher.settled()

  assert.deepEqual(summary(rig.received), ['firing always_on_down nas', 'resolved always_on_down nas'])
  assert.equal(rig.logged().includes(rig.receiverUrl), false)
})

test('a reload that lowers down_after_minutes takes effect at once, for an outage already under way', async (t) => {
  const target = (url: string, minutes: number): unknown => ({ name: 'ops', url: `${url}/hook`, events: ['always_on_down'], down_after_minutes: minutes })
  const rig = await startRig(t, url => [target(url, 30)])
  await rig.pass(3 * MINUTE)
  rig.fleet.reload(configWith([target(rig.receiverUrl, 2)]))
  rig.watcher.noteReload(true)
  await rig.pass(MINUTE) // the next check (every 30 s) sees 3 minutes down, past the new 2
  await rig.watcher.settled()
  assert.deepEqual(summary(rig.received), ['firing always_on_down nas'])
})

test('a target removed by a reload and added back later starts afresh: its old incident is forgotten', async (t) => {
  const target = (url: string): unknown => ({ name: 'ops', url: `${url}/hook`, events: ['always_on_down'], down_after_minutes: 2 })
  const rig = await startRig(t, url => [target(url)])
  await rig.pass(3 * MINUTE)
  await until(() => rig.received.length === 1)
  rig.fleet.reload(configWith([]))
  rig.watcher.noteReload(true)
  await rig.pass(MINUTE)
  rig.fleet.reload(configWith([target(rig.receiverUrl)]))
  rig.watcher.noteReload(true)
  await rig.pass(MINUTE) // the new tracker has heard nothing of the old incident
  await rig.watcher.settled()
  assert.equal(rig.received.length, 1)
  rig.setUp(true)
  await rig.pass(MINUTE)
  await rig.watcher.settled()
  // the incident the removed target opened is not "resolved" to its new self, which never saw it fire
  assert.deepEqual(summary(rig.received), ['firing always_on_down nas'])
})
