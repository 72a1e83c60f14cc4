import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { watchForAlerts } from '../../../service/src/alerts/alert-watcher.js'
import { parseConfig } from '../../../service/src/config/load.js'
import { rememberPowerHistory } from '../../../service/src/http/recent-power-history.js'
import { createFleet } from '../../../service/src/lifecycle/fleet.js'
import { openHallStore, powerHistory } from '../../../service/src/store/index.js'
import { createFakeClock } from '../../helpers/fake-clock.js'
import { until } from '../../helpers/hall-in-process.js'
import { capturedLog, startReceiver } from './alert-rig.js'

// The watcher on a real fleet (real SQLite file, fake clock, a scripted LAN): an always_on server
// that stays down past down_after_minutes, then comes back. Messages go to a loopback receiver.

const MINUTE = 60_000
const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve)) }

test('an always_on server down for more than N minutes: one alert, then one recovery when it serves', async (t) => {
  const receiver = await startReceiver(t)
  const config = parseConfig(JSON.stringify({
    servers: { nas: { ip: '127.0.0.1', mac: '02:00:00:00:00:09', policy: 'always_on', wake: { method: 'udp', broadcast: '127.0.0.1', port: 9 } } },
    domains: { 'nas.hall.test': { server: 'nas', upstream: 'http://127.0.0.1:9' } },
    alerts: [{ name: 'ops', url: `${receiver.url}/hook`, events: ['always_on_down'], down_after_minutes: 5 }]
  }))
  const dir = mkdtempSync(join(tmpdir(), 'hall-alert-watch-'))
  const store = openHallStore(join(dir, 'hall.db'))
  const clock = createFakeClock()
  const { log, text } = capturedLog()
  let up = false
  const recent = rememberPowerHistory(powerHistory(store), store, ['nas'])
  const fleet = createFleet({
    config,
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
  await pass(4 * MINUTE)
  await watcher.settled()
  assert.equal(receiver.received.length, 0, 'not yet: down for 4 minutes')
  await pass(2 * MINUTE)
  await until(() => receiver.received.length === 1)
  await pass(10 * MINUTE) // still down: the same incident
  up = true
  await pass(MINUTE)
  assert.equal(fleet.lookup('nas.hall.test')?.phase, 'RUNNING')
  await until(() => receiver.received.length === 2)
  await watcher.settled()

  const messages = receiver.received.map(r => JSON.parse(r.body) as { event: string, status: string, server: string })
  assert.deepEqual(messages.map(m => `${m.status} ${m.event} ${m.server}`), ['firing always_on_down nas', 'resolved always_on_down nas'])
  assert.equal(text().includes(receiver.url), false)
})
