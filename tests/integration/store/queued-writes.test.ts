import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { isHallError } from '../../../service/src/errors.js'
import { CLOSE_WAIT_MS, openHallStore, type HallStore, type StoreLog } from '../../../service/src/store/index.js'
import { holdWriteLock } from '../../helpers/temp-database.js'

const T0 = Date.UTC(2026, 10, 26, 8, 0, 0)

function tempStore (t: TestContext, log?: StoreLog): { store: HallStore, file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hall-queue-'))
  const file = join(dir, 'hall.db')
  const store = openHallStore(file, { log })
  t.after(() => { store.close(); rmSync(dir, { recursive: true, force: true }) })
  return { store, file }
}

async function until (condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

test('under another process\'s lock nothing waits: a wake gets its id at once, and its rows land in order once the lock goes', async (t) => {
  const { store, file } = tempStore(t)
  const first = store.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: T0 })
  const lock = await holdWriteLock(t, file)
  const started = performance.now()
  const id = store.wakes.begin({ server: 'lab', trigger: 'api', method: 'udp', requestedAt: T0 + 10 })
  store.transitions.record({ server: 'lab', from: 'OFFLINE', to: 'WAKING', at: T0 + 10, reason: 'api' })
  store.serverStates.save({ server: 'lab', phase: 'WAKING', since: T0 + 10, wakeId: id, lastActivityAt: null, idleFrom: null, shutdownId: null, pendingWake: null, retryNotBefore: null, autoWakeNotBefore: null, shutdownSuspended: false, updatedAt: T0 + 10 })
  store.wakes.markSent(id, { at: T0 + 11, packetsSent: 3, exitCode: null, stderr: null })
  store.transitions.record({ server: 'lab', from: 'WAKING', to: 'BOOTING', at: T0 + 20, reason: 'alive' })
  store.serverStates.save({ server: 'lab', phase: 'BOOTING', since: T0 + 20, wakeId: id, lastActivityAt: null, idleFrom: null, shutdownId: null, pendingWake: null, retryNotBefore: null, autoWakeNotBefore: null, shutdownSuspended: false, updatedAt: T0 + 20 })
  store.activity.add([{ minute: T0, domain: 'app.test', hits: 5 }])
  store.activity.add([{ minute: T0, domain: 'app.test', hits: 7 }])
  assert.ok(performance.now() - started < 1_000, 'no write waited for the lock')
  assert.equal(id, first + 1)
  // the second server_state save replaced the first; the two activity flushes are one write
  assert.equal(store.writes.size(), 6)
  assert.equal(store.wakes.get(id), null, 'nothing written yet')

  await lock.release()
  await until(() => store.writes.size() === 0)
  const wake = store.wakes.get(id)
  assert.deepEqual([wake?.trigger, wake?.sentAt, wake?.packetsSent], ['api', T0 + 11, 3])
  assert.deepEqual(store.transitions.recent('lab', 10).map(r => r.to), ['BOOTING', 'WAKING'])
  assert.deepEqual(store.serverStates.loadAll().get('lab')?.phase, 'BOOTING')
  assert.equal(store.activity.hitsSince('app.test', T0), 12)
  // AUTOINCREMENT's own counter followed the ids handed out in memory
  assert.equal(store.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'wakes'").pluck().get(), id)
})

test('new ids start above every id ever handed out, pruned ones included', (t) => {
  const { store, file } = tempStore(t)
  const a = store.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: T0 })
  const b = store.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: T0 + 1 })
  store.wakes.finish(b, { outcome: 'timeout', at: T0 + 2 })
  const s = store.shutdowns.begin({ server: 'lab', trigger: 'idle', requestedAt: T0 })
  store.db.prepare('DELETE FROM wakes WHERE id = ?').run(b)
  store.db.prepare('DELETE FROM shutdowns WHERE id = ?').run(s)
  store.close()
  const reopened = openHallStore(file)
  t.after(() => reopened.close())
  assert.equal(reopened.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: T0 + 3 }), b + 1)
  assert.equal(reopened.shutdowns.begin({ server: 'lab', trigger: 'idle', requestedAt: T0 + 3 }), s + 1)
  assert.ok(a < b)
})

test('what a restore reads is refused, not read from the past, while Hall\'s own writes wait for the lock', async (t) => {
  const { store, file } = tempStore(t)
  const lock = await holdWriteLock(t, file)
  const id = store.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: T0 })
  const refused = (err: unknown): boolean => isHallError(err, 'HALL_ERR_STORE_IN_USE') && /1 of Hall's writes wait/.test(err.message)
  assert.throws(() => store.wakes.pending(), refused)
  assert.throws(() => store.shutdowns.pending(), refused)
  assert.throws(() => store.serverStates.loadAll(), refused)
  await lock.release()
  assert.deepEqual(store.wakes.pending().map(w => w.id), [id], 'the waiting write went first')
})

test('close() writes what is queued once the lock goes within its wait, and says what it lost when it does not', async (t) => {
  const errors: object[] = []
  const log: StoreLog = { info () {}, warn () {}, error (obj) { errors.push(obj) } }
  const { store, file } = tempStore(t, log)
  const lock = await holdWriteLock(t, file, 300) // lets go by itself, while close() waits
  store.events.record({ at: T0, level: 'info', server: null, kind: 'k', message: 'waited' })
  store.close()
  const reopened = openHallStore(file)
  t.after(() => reopened.close())
  assert.deepEqual(reopened.events.recent(5).map(e => e.message), ['waited'])
  await lock.release()

  const stuck = tempStore(t, log)
  const held = await holdWriteLock(t, stuck.file)
  stuck.store.events.record({ at: T0, level: 'info', server: null, kind: 'k', message: 'lost' })
  const started = performance.now()
  stuck.store.close()
  const waited = performance.now() - started
  assert.ok(waited >= CLOSE_WAIT_MS * 0.9 && waited < CLOSE_WAIT_MS + 2_000, `close() waited ${waited} ms`)
  assert.deepEqual(errors.at(-1), { lost: { 'events.record': 1 } })
  await held.release()
})
