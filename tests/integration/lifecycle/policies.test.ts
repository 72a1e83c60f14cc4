import assert from 'node:assert/strict'
import { test } from 'node:test'
import { POWER_OFF_SETTLE_MS } from '../../../service/src/lifecycle/transitions.js'
import { MINUTE, supervisorHarness } from '../../helpers/supervisor-harness.js'

const shutdown = { relay: 'admin', command: 'sudo systemctl poweroff', off_timeout_seconds: 60 }
const onDemand = { policy: 'on_demand', idle_shutdown_minutes: 20, shutdown }

test('on_demand: RUNNING, IDLE after 5 quiet minutes, shutdown at 20, OFFLINE once the host is quiet', async (t) => {
  const h = supervisorHarness(t, { server: onDemand })
  Object.assign(h.machine, { alive: true, ready: true })
  h.supervisor.start()
  await h.advance(1000)
  assert.equal(h.supervisor.state().phase, 'RUNNING')
  await h.advance(5 * MINUTE)
  assert.equal(h.supervisor.state().phase, 'IDLE')
  await h.advance(14 * MINUTE)
  assert.equal(h.machine.shutdownCommands, 0, 'not before 20 minutes')
  await h.advance(MINUTE + 15_000)
  assert.equal(h.machine.shutdownCommands, 1)
  assert.equal(h.supervisor.state().phase, 'OFFLINE')
  const record = h.store.shutdowns.latest('lab')!
  assert.equal(record.trigger, 'idle')
  assert.equal(record.outcome, 'off')
  assert.ok(record.sentAt !== null && record.offAt !== null && record.offAt >= record.sentAt)
  const path = h.store.transitions.recent('lab', 10).map(r => r.to).reverse()
  assert.deepEqual(path, ['RUNNING', 'IDLE', 'SHUTDOWN', 'OFFLINE'])
})

test('on_demand: activity resets the idle countdown and takes an IDLE server back to RUNNING', async (t) => {
  const h = supervisorHarness(t, { server: onDemand })
  Object.assign(h.machine, { alive: true, ready: true })
  h.supervisor.start()
  await h.advance(15 * MINUTE)
  assert.equal(h.supervisor.state().phase, 'IDLE')
  h.supervisor.dispatch({ kind: 'activity', at: h.clock.now() })
  assert.equal(h.supervisor.state().phase, 'RUNNING')
  await h.advance(19 * MINUTE)
  assert.equal(h.machine.shutdownCommands, 0, '20 minutes count from the last activity, not from the boot')
  await h.advance(2 * MINUTE)
  assert.equal(h.machine.shutdownCommands, 1)
})

test('a server powered on by hand is shut down too once idle', async (t) => {
  const h = supervisorHarness(t, { server: onDemand })
  h.supervisor.start()
  await h.advance(1000)
  assert.equal(h.supervisor.state().phase, 'OFFLINE')
  Object.assign(h.machine, { alive: true, ready: true }) // someone pressed the power button
  await h.advance(30_000)
  assert.equal(h.supervisor.state().phase, 'RUNNING')
  assert.equal(h.store.wakes.latest('lab')?.trigger, 'external')
  await h.advance(21 * MINUTE)
  assert.equal(h.machine.shutdownCommands, 1)
})

test('busy check: exit 0 vetoes the shutdown and restarts the countdown; a free server is then shut down', async (t) => {
  const h = supervisorHarness(t, { server: { ...onDemand, shutdown: { ...shutdown, busy_check: 'pgrep make' } } })
  Object.assign(h.machine, { alive: true, ready: true, busy: true })
  h.supervisor.start()
  await h.advance(20 * MINUTE + 15_000)
  assert.equal(h.machine.busyChecks, 1)
  assert.equal(h.machine.shutdownCommands, 0)
  assert.equal(h.supervisor.state().phase, 'RUNNING', 'a busy server counts as used')
  assert.equal(h.store.shutdowns.latest('lab')?.outcome, 'vetoed')
  assert.equal(h.store.events.recent(5, 'lab')[0]?.kind, 'shutdown-vetoed')
  h.machine.busy = false
  await h.advance(20 * MINUTE + 15_000)
  assert.equal(h.machine.busyChecks, 2)
  assert.equal(h.machine.shutdownCommands, 1)
  assert.equal(h.supervisor.state().phase, 'OFFLINE')
})

test('a shutdown that does not complete raises a recorded error, not a loop of shutdowns', async (t) => {
  const h = supervisorHarness(t, { server: onDemand })
  Object.assign(h.machine, { alive: true, ready: true, obeysShutdown: false })
  h.supervisor.start()
  await h.advance(20 * MINUTE + 15_000)
  assert.equal(h.machine.shutdownCommands, 1)
  assert.equal(h.supervisor.state().phase, 'SHUTDOWN')
  await h.advance(61_000)
  assert.equal(h.supervisor.state().phase, 'RUNNING')
  const record = h.store.shutdowns.latest('lab')!
  assert.equal(record.outcome, 'timeout')
  assert.equal(record.errorCode, 'HALL_ERR_SHUTDOWN_TIMEOUT')
  assert.equal(h.store.events.recent(5, 'lab')[0]?.kind, 'shutdown-failed')
  await h.advance(2 * 60 * MINUTE, 1000)
  assert.equal(h.machine.shutdownCommands, 1, 'no second command while the host keeps answering')
  // once it is seen off (someone fixed it by hand), idle shutdown is armed again
  Object.assign(h.machine, { alive: false, ready: false })
  await h.advance(30_000)
  assert.equal(h.supervisor.state().phase, 'OFFLINE')
})

test('a request during SHUTDOWN waits for OFFLINE, then a short settle, then wakes the server', async (t) => {
  const h = supervisorHarness(t, { server: onDemand })
  Object.assign(h.machine, { alive: true, ready: true, obeysShutdown: false })
  h.supervisor.start()
  await h.advance(20 * MINUTE + 15_000)
  assert.equal(h.supervisor.state().phase, 'SHUTDOWN')
  h.supervisor.requestWake('request')
  await h.advance(5000)
  assert.equal(h.machine.wakes, 0, 'no wake to a machine still going down')
  Object.assign(h.machine, { alive: false, ready: false }) // it finally powers off
  await h.advance(2000)
  assert.equal(h.supervisor.state().phase, 'OFFLINE')
  assert.equal(h.machine.wakes, 0, 'not yet: the machine may still be powering down')
  await h.advance(POWER_OFF_SETTLE_MS)
  assert.equal(h.machine.wakes, 1)
  await h.advance(2000)
  assert.equal(h.supervisor.state().phase, 'RUNNING')
  assert.equal(h.store.shutdowns.latest('lab')?.outcome, 'off')
})

test('always_on: never idle, never shut down; found off, it is re-woken and each re-wake is recorded', async (t) => {
  const h = supervisorHarness(t, { server: { policy: 'always_on', shutdown } })
  Object.assign(h.machine, { alive: true, ready: true })
  h.supervisor.start()
  await h.advance(60 * MINUTE, 1000)
  assert.equal(h.supervisor.state().phase, 'RUNNING')
  assert.equal(h.machine.shutdownCommands, 0)
  Object.assign(h.machine, { alive: false, ready: false, obeysWake: false }) // power cut; the first packet is lost
  await h.advance(60_000, 500)
  assert.equal(h.machine.wakes, 1)
  assert.equal(h.store.wakes.latest('lab')?.trigger, 'watchdog')
  await h.advance(70_000, 500)
  assert.equal(h.store.wakes.latest('lab')?.outcome, 'timeout')
  assert.equal(h.machine.wakes, 1, 'a failed watchdog wake waits before the next one: no wake loop')
  h.machine.obeysWake = true
  await h.advance(5 * MINUTE, 1000)
  assert.equal(h.machine.wakes, 2)
  assert.equal(h.supervisor.state().phase, 'RUNNING')
  const watchdog = h.store.wakes.recent('lab', 5).filter(w => w.trigger === 'watchdog')
  assert.deepEqual(watchdog.map(w => w.outcome), ['running', 'timeout'])
})

test('manual shutdown (API) skips the busy check and gives up a wake under way', async (t) => {
  const h = supervisorHarness(t, { server: { ...onDemand, shutdown: { ...shutdown, busy_check: 'true' } } })
  Object.assign(h.machine, { alive: true, ready: true, busy: true })
  h.supervisor.start()
  await h.advance(1000)
  h.supervisor.dispatch({ kind: 'shutdown-requested', trigger: 'api' })
  await h.advance(2000)
  assert.equal(h.machine.busyChecks, 0)
  assert.equal(h.machine.shutdownCommands, 1)
  assert.equal(h.supervisor.state().phase, 'OFFLINE')
  assert.equal(h.store.shutdowns.latest('lab')?.trigger, 'api')
})
