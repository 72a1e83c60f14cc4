import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRequestLimiter } from '../../../service/src/http/rate-limit.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

test('request limiter: a burst at once, then the rate; the wait is until the next whole request', () => {
  const clock = createFakeClock()
  const limiter = createRequestLimiter({ clock, burst: 3, perSecond: 2 })
  assert.deepEqual([1, 2, 3].map(() => limiter.take('a')), [0, 0, 0])
  assert.equal(limiter.take('a'), 500, 'half a second until one more at 2 a second')
  clock.advance(200)
  assert.equal(limiter.take('a'), 300, 'a refused request is not counted')
  clock.advance(300)
  assert.equal(limiter.take('a'), 0)
  assert.equal(limiter.take('a'), 500)
  clock.advance(60_000)
  assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('a')), [0, 0, 0, 500], 'an idle client gets its burst back, not more')
})

test('request limiter: each client has its own budget', () => {
  const limiter = createRequestLimiter({ clock: createFakeClock(), burst: 1, perSecond: 1 })
  assert.equal(limiter.take('a'), 0)
  assert.equal(limiter.take('b'), 0)
  assert.ok(limiter.take('a') > 0)
  assert.ok(limiter.take('b') > 0)
})

test('request limiter: past maxClients the client seen least recently is forgotten, and starts again full', () => {
  const limiter = createRequestLimiter({ clock: createFakeClock(), burst: 1, perSecond: 1, maxClients: 2 })
  for (const client of ['a', 'b']) assert.equal(limiter.take(client), 0)
  assert.ok(limiter.take('a') > 0, 'a is spent, and now seen more recently than b')
  assert.equal(limiter.take('c'), 0, 'c takes b\'s place')
  assert.ok(limiter.take('a') > 0, 'a is still remembered, and still spent')
  assert.equal(limiter.take('b'), 0, 'b was forgotten: a full budget again')
})
