import test, { type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createTransitions } from '../../../service/src/store/transitions.js'
import { tempDatabase } from '../../helpers/temp-database.js'

function transitionsInTempDb (t: TestContext) {
  const db = tempDatabase(t)
  return createTransitions(db)
}

const t0 = 1_700_000_000_000

test('recent returns one server\'s transitions newest first, with ids', (t) => {
  const transitions = transitionsInTempDb(t)
  transitions.record({ server: 'testing', from: 'OFFLINE', to: 'WAKING', at: t0, reason: 'wake requested' })
  transitions.record({ server: 'erp', from: 'UNKNOWN', to: 'RUNNING', at: t0 + 1, reason: 'probe ok' })
  transitions.record({ server: 'testing', from: 'WAKING', to: 'BOOTING', at: t0 + 2, reason: 'host answers' })
  const recent = transitions.recent('testing', 10)
  assert.deepEqual(recent.map(({ id: _, ...rest }) => rest), [
    { server: 'testing', from: 'WAKING', to: 'BOOTING', at: t0 + 2, reason: 'host answers' },
    { server: 'testing', from: 'OFFLINE', to: 'WAKING', at: t0, reason: 'wake requested' }
  ])
  assert.ok(recent.every(r => Number.isInteger(r.id)))
  assert.deepEqual(transitions.recent('nope', 10), [])
})

test('limit applies, and transitions in the same millisecond keep their order', (t) => {
  const transitions = transitionsInTempDb(t)
  transitions.record({ server: 'testing', from: 'BOOTING', to: 'RUNNING', at: t0, reason: 'healthy' })
  transitions.record({ server: 'testing', from: 'RUNNING', to: 'IDLE', at: t0, reason: 'no traffic' })
  transitions.record({ server: 'testing', from: 'IDLE', to: 'SHUTDOWN', at: t0, reason: 'idle timeout' })
  assert.deepEqual(transitions.recent('testing', 2).map(r => r.to), ['SHUTDOWN', 'IDLE'])
})
