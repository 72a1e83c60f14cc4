import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MINUTE, supervisorHarness } from '../../helpers/supervisor-harness.js'

const shutdown = { relay: 'admin', command: 'sudo systemctl poweroff' }
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri']
const scheduled = (windows: unknown[]) => ({
  policy: 'scheduled',
  idle_shutdown_minutes: 20,
  shutdown,
  schedule: { timezone: 'Europe/Paris', windows }
})
const office = scheduled([{ days: weekdays, from: '08:00', to: '19:00' }])
const at = (iso: string): number => Date.parse(iso)

/** Starts `minutesBefore` minutes before the expected wake instant and checks it happens then, not earlier. */
async function expectWakeAt (t: import('node:test').TestContext, server: Record<string, unknown>, wakeAt: number): Promise<ReturnType<typeof supervisorHarness>> {
  const h = supervisorHarness(t, { server, start: wakeAt - 10 * MINUTE })
  h.supervisor.start()
  await h.advance(10 * MINUTE - 30_000, 1000)
  assert.equal(h.machine.wakes, 0, `no wake before ${new Date(wakeAt).toISOString()}`)
  await h.advance(45_000, 1000)
  assert.equal(h.machine.wakes, 1, `a wake by ${new Date(wakeAt + 15_000).toISOString()}`)
  assert.equal(h.store.wakes.latest('lab')?.trigger, 'schedule')
  return h
}

test('scheduled: woken one boot time (60 s by default) plus a tick ahead of the window, RUNNING when it opens', async (t) => {
  // Thursday 26 November 2026, 08:00 in Paris (CET) is 07:00Z: wake at 06:58:50Z at the latest tick
  const h = await expectWakeAt(t, office, at('2026-11-26T06:58:50Z'))
  await h.advance(60_000, 1000)
  assert.equal(h.supervisor.state().phase, 'RUNNING')
})

test('scheduled: inside the window an unused server stays RUNNING; after it closes, the idle rule shuts it down', async (t) => {
  const h = supervisorHarness(t, { server: office, start: at('2026-11-26T07:30:00Z') })
  Object.assign(h.machine, { alive: true, ready: true })
  h.supervisor.start()
  await h.advance(11 * 60 * MINUTE - 31 * MINUTE, 5000) // to 18:59 local, no traffic all day
  assert.equal(h.supervisor.state().phase, 'RUNNING', 'no IDLE countdown inside a window')
  assert.equal(h.machine.shutdownCommands, 0)
  await h.advance(2 * MINUTE, 1000) // 19:01: the window closed, and the server has been quiet for hours
  assert.equal(h.machine.shutdownCommands, 1)
  assert.equal(h.supervisor.state().phase, 'OFFLINE')
})

test('scheduled: the window boundary is exact: at 18:59:59 the server is kept, at 19:00 it may go', async (t) => {
  const h = supervisorHarness(t, { server: office, start: at('2026-11-26T16:50:00Z') })
  Object.assign(h.machine, { alive: true, ready: true })
  h.supervisor.start()
  await h.advance(69 * MINUTE + 59_000, 1000) // 18:59:59 local, quiet for over an hour
  assert.equal(h.machine.shutdownCommands, 0)
  await h.advance(11_000, 1000) // a tick after 19:00
  assert.equal(h.machine.shutdownCommands, 1)
})

test('scheduled, spring DST (Europe/Paris): on Monday 30 March 2026 08:00 is 06:00Z, so the wake comes at 05:58:50Z', async (t) => {
  await expectWakeAt(t, office, at('2026-03-30T05:58:50Z'))
})

test('scheduled, autumn DST (Europe/Paris): on Monday 26 October 2026 08:00 is 07:00Z, not 06:00Z', async (t) => {
  await expectWakeAt(t, office, at('2026-10-26T06:58:50Z'))
})

test('scheduled, the night of the spring change: a 01:00-04:00 window lasts two real hours', async (t) => {
  const night = scheduled([{ days: ['sun'], from: '01:00', to: '04:00' }])
  const h = supervisorHarness(t, { server: night, start: at('2026-03-29T00:30:00Z') }) // 01:30 CET
  Object.assign(h.machine, { alive: true, ready: true })
  h.supervisor.start()
  await h.advance(89 * MINUTE, 5000) // 01:59Z = 03:59 CEST
  assert.equal(h.machine.shutdownCommands, 0)
  await h.advance(2 * MINUTE, 1000) // 02:01Z = 04:01 CEST: closed
  assert.equal(h.machine.shutdownCommands, 1)
})

test('scheduled, the night of the autumn change: a 01:00-04:00 window lasts four real hours', async (t) => {
  const night = scheduled([{ days: ['sun'], from: '01:00', to: '04:00' }])
  const h = supervisorHarness(t, { server: night, start: at('2026-10-24T23:30:00Z') }) // 01:30 CEST
  Object.assign(h.machine, { alive: true, ready: true })
  h.supervisor.start()
  await h.advance(3 * 60 * MINUTE + 29 * MINUTE, 5000) // 02:59Z = 03:59 CET
  assert.equal(h.machine.shutdownCommands, 0)
  await h.advance(2 * MINUTE, 1000)
  assert.equal(h.machine.shutdownCommands, 1)
})

test('scheduled, a window crossing midnight: Friday 22:00-02:00 keeps the server until Saturday 02:00', async (t) => {
  const late = scheduled([{ days: ['fri'], from: '22:00', to: '02:00' }])
  // Friday 27 November 2026: 20:50Z is 21:50 CET
  const h = supervisorHarness(t, { server: late, start: at('2026-11-27T20:50:00Z') })
  h.supervisor.start()
  await h.advance(8 * MINUTE, 1000)
  assert.equal(h.machine.wakes, 0)
  await h.advance(2 * MINUTE, 1000) // 22:00 CET
  assert.equal(h.machine.wakes, 1)
  assert.equal(h.supervisor.state().phase, 'RUNNING')
  await h.advance(3 * 60 * MINUTE + 59 * MINUTE, 5000) // Saturday 01:59 CET
  assert.equal(h.machine.shutdownCommands, 0)
  await h.advance(2 * MINUTE, 1000)
  assert.equal(h.machine.shutdownCommands, 1)
})

test('after a restart, a window that opened while Hall was down is honoured at once', async (t) => {
  const h = supervisorHarness(t, { server: office, start: at('2026-11-26T09:30:00Z') }) // 10:30 in Paris
  h.supervisor.start()
  await h.advance(2000)
  assert.equal(h.machine.wakes, 1)
  assert.equal(h.supervisor.state().phase, 'RUNNING')
})

test('after a restart, a shutdown that fell due is carried out, counting the idle time from before the restart', async (t) => {
  const h = supervisorHarness(t, {
    server: { policy: 'on_demand', idle_shutdown_minutes: 20, shutdown },
    history: (store, now) => store.serverStates.save({
      server: 'lab', phase: 'IDLE', since: now - 55 * MINUTE, wakeId: null, lastActivityAt: now - 60 * MINUTE, idleFrom: now - 60 * MINUTE, shutdownId: null, pendingWake: null, retryNotBefore: null, autoWakeNotBefore: null, shutdownSuspended: false, updatedAt: now - 50 * MINUTE
    })
  })
  Object.assign(h.machine, { alive: true, ready: true })
  h.supervisor.start()
  assert.equal(h.supervisor.state().phase, 'IDLE', 'remembered, and traffic keeps flowing while the first probe runs')
  await h.advance(2000)
  assert.equal(h.machine.shutdownCommands, 1, 'idle for an hour: not given a fresh 20 minutes')
})

test('after a long outage, a shutdown whose deadline passed is closed, and idle shutdown is not suspended', async (t) => {
  const h = supervisorHarness(t, {
    server: { policy: 'on_demand', idle_shutdown_minutes: 20, shutdown },
    history: (store, now) => {
      const id = store.shutdowns.begin({ server: 'lab', trigger: 'idle', requestedAt: now - 120 * MINUTE })
      store.shutdowns.markSending(id, now - 120 * MINUTE)
    }
  })
  Object.assign(h.machine, { alive: true, ready: true }) // switched on by hand meanwhile
  h.supervisor.start()
  assert.notEqual(h.supervisor.state().phase, 'SHUTDOWN')
  assert.deepEqual([h.store.shutdowns.latest('lab')?.outcome, h.store.shutdowns.latest('lab')?.errorCode], ['timeout', 'HALL_ERR_SHUTDOWN_TIMEOUT'])
  await h.advance(21 * MINUTE, 1000)
  assert.equal(h.machine.shutdownCommands, 1, 'the idle rule still shuts it down')
})
