import test, { type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createEvents } from '../../../service/src/store/events.js'
import { tempDatabase } from '../../helpers/temp-database.js'

function eventsInTempDb (t: TestContext) {
  const db = tempDatabase(t)
  return createEvents(db)
}

const t0 = 1_700_000_000_000

test('details go in as JSON and come back parsed; absent details read as null', (t) => {
  const events = eventsInTempDb(t)
  const details = { attempt: 2, codes: ['HALL_ERR_SSH_CONNECT'], nested: { ok: false } }
  events.record({ at: t0, level: 'error', server: 'testing', kind: 'wake-failed', message: 'relay refused', details })
  events.record({ at: t0 + 1, level: 'info', server: null, kind: 'config-reloaded', message: 'reloaded' })
  const [reload, failure] = events.recent(10)
  assert.deepEqual(failure, {
    id: failure?.id, at: t0, level: 'error', server: 'testing', kind: 'wake-failed', message: 'relay refused', details
  })
  assert.equal(reload?.server, null)
  assert.equal(reload?.details, null)
})

test('recent is newest first, limited, and filtered by server when asked', (t) => {
  const events = eventsInTempDb(t)
  const servers = ['testing', 'erp', null, 'testing'] as const
  servers.forEach((server, i) => {
    events.record({ at: t0 + i, level: 'info', server, kind: 'note', message: `m${i}` })
  })
  assert.deepEqual(events.recent(10).map(e => e.message), ['m3', 'm2', 'm1', 'm0'])
  assert.deepEqual(events.recent(2).map(e => e.message), ['m3', 'm2'])
  assert.deepEqual(events.recent(10, 'testing').map(e => e.message), ['m3', 'm0'])
  assert.deepEqual(events.recent(10, 'nope'), [])
})
