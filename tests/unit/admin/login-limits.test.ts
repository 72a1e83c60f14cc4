import assert from 'node:assert/strict'
import test from 'node:test'
import { createLoginLimits, FAILURE_WINDOW_MS, LOCK_MS, MAX_FAILURES } from '../../../service/src/http/admin/login-limits.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

test('the 5th failure locks the account and the address; the lock lifts after 15 min with no timer', () => {
  const clock = createFakeClock()
  const limits = createLoginLimits(clock)
  for (let i = 1; i < MAX_FAILURES; i++) assert.deepEqual(limits.fail('alice', '192.168.1.20'), [])
  assert.equal(limits.lockedUntil('alice', '192.168.1.99'), null)
  assert.deepEqual(limits.fail('alice', '192.168.1.20'), ['account', 'address'])
  const until = clock.now() + LOCK_MS
  assert.equal(limits.lockedUntil('Alice', '10.0.0.1'), until, 'the account, whatever the case of its name')
  assert.equal(limits.lockedUntil('bob', '192.168.1.20'), until, 'the address, whatever name it tries')
  assert.deepEqual(limits.fail('alice', '192.168.1.20'), [], 'a failure while locked neither extends nor re-locks')
  clock.advance(LOCK_MS - 1)
  assert.equal(limits.lockedUntil('alice', '192.168.1.20'), until)
  clock.advance(1)
  assert.equal(limits.lockedUntil('alice', '192.168.1.20'), null)
  assert.deepEqual(limits.fail('alice', '192.168.1.20'), [], 'the count starts again from nothing')
})

test('failures older than 10 min do not count', () => {
  const clock = createFakeClock()
  const limits = createLoginLimits(clock)
  for (let i = 1; i < MAX_FAILURES; i++) limits.fail('alice', '192.168.1.20')
  clock.advance(FAILURE_WINDOW_MS)
  assert.deepEqual(limits.fail('alice', '192.168.1.20'), [])
  assert.equal(limits.lockedUntil('alice', '192.168.1.20'), null)
})

test('a good password clears the account\'s count, not the address\'s', () => {
  const clock = createFakeClock()
  const limits = createLoginLimits(clock)
  for (let i = 1; i < MAX_FAILURES; i++) limits.fail('alice', '192.168.1.20')
  limits.succeed('alice')
  assert.deepEqual(limits.fail('alice', '192.168.1.20'), ['address'])
})

test('a flood of names stays bounded and never forgets a lock', () => {
  const clock = createFakeClock()
  const limits = createLoginLimits(clock)
  for (let i = 0; i < MAX_FAILURES; i++) limits.fail('alice', '192.168.1.20')
  for (let i = 0; i < 25_000; i++) limits.fail(`name${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)
  assert.notEqual(limits.lockedUntil('alice', '10.9.9.9'), null)
})
