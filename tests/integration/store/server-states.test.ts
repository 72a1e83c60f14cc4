import test, { type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createServerStates, type PersistedServerState } from '../../../service/src/store/server-states.js'
import { createWakes } from '../../../service/src/store/wakes.js'
import { pruneOlderThan } from '../../../service/src/store/prune.js'
import { tempDatabase } from '../../helpers/temp-database.js'

function tempDb (t: TestContext) {
  const db = tempDatabase(t)
  return db
}

const t0 = 1_700_000_000_000
const offline: PersistedServerState = {
  server: 'testing', phase: 'OFFLINE', since: t0, wakeId: null, lastActivityAt: null, idleFrom: null, shutdownId: null, pendingWake: null, retryNotBefore: null, autoWakeNotBefore: null, shutdownSuspended: false, updatedAt: t0
}

test('save then loadAll returns every server keyed by name', (t) => {
  const states = createServerStates(tempDb(t))
  assert.equal(states.loadAll().size, 0)
  states.save(offline)
  states.save({ ...offline, server: 'erp', phase: 'RUNNING', lastActivityAt: t0 + 5 })
  const all = states.loadAll()
  assert.deepEqual([...all.keys()], ['erp', 'testing'])
  assert.deepEqual(all.get('testing'), offline)
  assert.equal(all.get('erp')?.lastActivityAt, t0 + 5)
})

test('save replaces the previous state of the same server', (t) => {
  const db = tempDb(t)
  const states = createServerStates(db)
  const wakeId = createWakes(db).begin({ server: 'testing', trigger: 'request', method: 'udp', requestedAt: t0 })
  states.save(offline)
  const waking = { ...offline, phase: 'WAKING', since: t0 + 1, wakeId, updatedAt: t0 + 1 }
  states.save(waking)
  assert.deepEqual([...states.loadAll().values()], [waking])
})

test('remove forgets a server and ignores an unknown one', (t) => {
  const states = createServerStates(tempDb(t))
  states.save(offline)
  states.remove('nope')
  states.remove('testing')
  assert.equal(states.loadAll().size, 0)
})

test('a wake id must exist, and pruning that wake clears it instead of failing', (t) => {
  const db = tempDb(t)
  const states = createServerStates(db)
  assert.throws(() => states.save({ ...offline, wakeId: 999 }), /FOREIGN KEY/)
  const wakes = createWakes(db)
  const wakeId = wakes.begin({ server: 'testing', trigger: 'request', method: 'udp', requestedAt: t0 })
  wakes.finish(wakeId, { outcome: 'running', at: t0 + 1 })
  states.save({ ...offline, phase: 'RUNNING', wakeId })
  pruneOlderThan(db, t0 + 10)
  assert.equal(states.loadAll().get('testing')?.wakeId, null)
})
