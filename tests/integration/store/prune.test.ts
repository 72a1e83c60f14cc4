import test, { type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openHallStore } from '../../../service/src/store/index.js'
import { pruneOlderThan } from '../../../service/src/store/prune.js'
import { holdWriteLock } from '../../helpers/temp-database.js'

function tempStore (t: TestContext) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-prune-'))
  const store = openHallStore(path.join(dir, 'hall.db'))
  t.after(() => { store.close(); fs.rmSync(dir, { recursive: true, force: true }) })
  return store
}

const minute = 60_000
const cutoff = 28_333_333 * minute

test('prune deletes history older than the cutoff, keeps newer rows and pending wakes and shutdowns', async (t) => {
  const store = tempStore(t)
  const { transitions, events, activity, wakes, shutdowns } = store
  for (const at of [cutoff - 1, cutoff]) {
    transitions.record({ server: 'testing', from: 'OFFLINE', to: 'WAKING', at, reason: 'r' })
    events.record({ at, level: 'info', server: null, kind: 'k', message: String(at) })
  }
  activity.add([
    { minute: cutoff - 2 * minute, domain: 'd', hits: 1 },
    { minute: cutoff - minute, domain: 'd', hits: 2 }, // ends exactly at the cutoff: goes
    { minute: cutoff, domain: 'd', hits: 4 }
  ])
  const oldDone = wakes.begin({ server: 'testing', trigger: 'request', method: 'udp', requestedAt: cutoff - 10 })
  wakes.finish(oldDone, { outcome: 'timeout', at: cutoff - 5 })
  const oldPending = wakes.begin({ server: 'testing', trigger: 'request', method: 'udp', requestedAt: cutoff - 10 })
  const recentDone = wakes.begin({ server: 'testing', trigger: 'api', method: 'udp', requestedAt: cutoff })
  wakes.finish(recentDone, { outcome: 'running', at: cutoff + 5 })
  const oldShutdown = shutdowns.begin({ server: 'testing', trigger: 'idle', requestedAt: cutoff - 10 })
  shutdowns.finish(oldShutdown, { outcome: 'off', at: cutoff - 5 })
  const pendingShutdown = shutdowns.begin({ server: 'testing', trigger: 'idle', requestedAt: cutoff - 10 })

  assert.deepEqual(await store.prune(cutoff), { deleted: { transitions: 1, events: 1, activity: 2, wakes: 1, shutdowns: 1 }, complete: true })

  assert.deepEqual(transitions.recent('testing', 10).map(r => r.at), [cutoff])
  assert.deepEqual(events.recent(10).map(e => e.at), [cutoff])
  assert.equal(activity.hitsSince('d', 0), 4)
  assert.equal(wakes.get(oldDone), null)
  assert.equal(wakes.get(oldPending)?.outcome, 'pending')
  assert.equal(wakes.get(recentDone)?.outcome, 'running')
  assert.equal(shutdowns.get(oldShutdown), null)
  assert.equal(shutdowns.get(pendingShutdown)?.outcome, 'pending')
  assert.deepEqual(await store.prune(cutoff), { deleted: { transitions: 0, events: 0, activity: 0, wakes: 0, shutdowns: 0 }, complete: true })
})

test('a long prune is cut into batches, with a turn of the event loop between two', async (t) => {
  const store = tempStore(t)
  store.db.transaction(() => {
    for (let i = 0; i < 1_050; i++) store.transitions.record({ server: 'testing', from: 'OFFLINE', to: 'WAKING', at: cutoff - 1 - i, reason: 'r' })
  })()
  let turns = 0
  const result = await pruneOlderThan(store.db, cutoff, { batchRows: 500, nextTurn: async () => { turns++ } })
  assert.deepEqual([result.deleted.transitions, result.complete, turns], [1_050, true, 2])
})

test('a locked database postpones the prune to its next round, and a prune never waits behind Hall\'s queued writes', async (t) => {
  const store = tempStore(t)
  store.events.record({ at: cutoff - 1, level: 'info', server: null, kind: 'k', message: 'old' })
  const lock = await holdWriteLock(t, store.db.name)
  const started = performance.now()
  assert.deepEqual(await store.prune(cutoff), { deleted: { transitions: 0, events: 0, activity: 0, wakes: 0, shutdowns: 0 }, complete: false })
  assert.ok(performance.now() - started < 1_000, 'it did not wait for the lock (busy_timeout)')
  store.events.record({ at: cutoff + 1, level: 'info', server: null, kind: 'k', message: 'new' }) // queued
  await lock.release()
  assert.equal((await store.prune(cutoff)).complete, false, 'the queued write goes first')
  assert.equal(store.writes.flush(), true)
  assert.deepEqual(await store.prune(cutoff), { deleted: { transitions: 0, events: 1, activity: 0, wakes: 0, shutdowns: 0 }, complete: true })
  assert.deepEqual(store.events.recent(10).map(e => e.message), ['new'])
})
