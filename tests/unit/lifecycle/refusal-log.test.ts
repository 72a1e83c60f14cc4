import assert from 'node:assert/strict'
import test from 'node:test'
import { createRefusalLog, REFUSAL_RECORD_EVERY_MS } from '../../../service/src/lifecycle/refusal-log.js'

test('refused wakes are summed per domain and reason, and recorded at most once a minute each', () => {
  const log = createRefusalLog()
  for (let i = 0; i < 500; i++) log.note('a.test', 'crawler')
  log.note('a.test', 'monitor')
  log.note('b.test', 'crawler')
  const first = log.due(0)
  assert.deepEqual(first.map(r => [r.domain, r.reason, r.count]).sort(), [['a.test', 'crawler', 500], ['a.test', 'monitor', 1], ['b.test', 'crawler', 1]])

  for (let i = 0; i < 7; i++) log.note('a.test', 'crawler')
  assert.deepEqual(log.due(REFUSAL_RECORD_EVERY_MS - 1), [], 'within the minute: kept counting')
  log.note('a.test', 'crawler')
  assert.deepEqual(log.due(REFUSAL_RECORD_EVERY_MS), [{ domain: 'a.test', reason: 'crawler', count: 8 }], 'nothing lost: the minute\'s count')
  assert.deepEqual(log.due(10 * REFUSAL_RECORD_EVERY_MS), [], 'nothing new, nothing recorded')
})
