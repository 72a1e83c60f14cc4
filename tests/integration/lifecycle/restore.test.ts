import assert from 'node:assert/strict'
import { test } from 'node:test'
import { supervisorHarness } from '../../helpers/supervisor-harness.js'

/** What the supervisor logged at warn level: the column and the value it could not read. */
function warnings (): { log: { info (): void, warn (obj: object): void, error (): void }, seen: Array<{ column?: string, value?: string }> } {
  const seen: Array<{ column?: string, value?: string }> = []
  return { log: { info () {}, warn (obj) { seen.push(obj) }, error () {} }, seen }
}

test('values a hand-edited database holds that Hall does not know are logged and left out: the server starts UNKNOWN and its first probe decides', async (t) => {
  const { log, seen } = warnings()
  let wakeId = 0
  let shutdownId = 0
  const h = supervisorHarness(t, {
    server: { shutdown: { relay: 'admin', command: 'poweroff' } },
    log,
    history: (store, now) => {
      // what migration 3's CHECK constraints now refuse, written the way a hand edit could
      store.db.pragma('ignore_check_constraints = ON')
      const insert = (sql: string, ...values: number[]): number => Number(store.db.prepare(sql).run(...values).lastInsertRowid)
      wakeId = insert("INSERT INTO wakes (server, trigger, method, requested_at) VALUES ('lab', 'cron', 'udp', ?)", now - 1_000)
      shutdownId = insert("INSERT INTO shutdowns (server, trigger, requested_at, send_started_at) VALUES ('lab', 'reboot', ?, ?)", now - 2_000, now - 1_900)
      store.serverStates.save({ server: 'lab', phase: 'ASLEEP', since: now - 5_000, wakeId: null, lastActivityAt: null, idleFrom: null, shutdownId: null, pendingWake: 'later', retryNotBefore: null, autoWakeNotBefore: null, shutdownSuspended: false, updatedAt: now - 1_000 })
      store.db.pragma('ignore_check_constraints = OFF')
    }
  })
  const state = h.supervisor.state()
  assert.deepEqual([state.phase, state.wake, state.shutdown, state.pendingWake], ['UNKNOWN', null, null, null])
  assert.deepEqual(seen.map(w => [w.column, w.value]).sort(), [
    ['server_state.pending_wake', 'later'],
    ['server_state.phase', 'ASLEEP'],
    ['shutdowns.trigger', 'reboot'],
    ['wakes.trigger', 'cron']
  ])
  assert.equal(h.store.wakes.get(wakeId)!.outcome, 'cancelled', 'a wake it cannot read is closed, not resumed')
  assert.equal(h.store.shutdowns.get(shutdownId)!.outcome, 'cancelled')

  h.supervisor.start()
  await h.advance(1_000)
  assert.equal(h.machine.wakes, 0, 'no packet for the unreadable wake')
  assert.equal(h.supervisor.state().phase, 'OFFLINE', 'the first probe decided')
})
