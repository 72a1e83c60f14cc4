import assert from 'node:assert/strict'
import { test } from 'node:test'
import { boundedMemo } from '../../../service/src/http/bounded-memo.js'

function counted (limit: number) {
  const calls: string[] = []
  const memo = boundedMemo(limit, key => { calls.push(key); return key.length === 0 ? undefined : key.toUpperCase() })
  return { memo, calls }
}

test('each key is computed once, whether asked again at once or after others', () => {
  const { memo, calls } = counted(10)
  // new string objects each time, as header values are
  const ua = (): string => ['Mozilla/5.0', '(X11; Linux x86_64)'].join(' ')
  assert.equal(memo(ua()), 'MOZILLA/5.0 (X11; LINUX X86_64)')
  assert.equal(memo(ua()), 'MOZILLA/5.0 (X11; LINUX X86_64)')
  assert.equal(memo('curl/8'), 'CURL/8')
  assert.equal(memo(ua()), 'MOZILLA/5.0 (X11; LINUX X86_64)')
  assert.equal(memo('curl/8'), 'CURL/8')
  assert.deepEqual(calls, ['Mozilla/5.0 (X11; Linux x86_64)', 'curl/8'])
})

test('an undefined answer is remembered too', () => {
  const { memo, calls } = counted(10)
  assert.equal(memo(''), undefined)
  assert.equal(memo('a'), 'A')
  assert.equal(memo(''), undefined)
  assert.deepEqual(calls, ['', 'a'])
})

test('past its limit it starts again empty: endless new keys never grow it', () => {
  const { memo, calls } = counted(3)
  for (const key of ['a', 'b', 'c', 'd']) memo(key)
  // "d" cleared the three before it: "a" is computed again, "d" is not
  memo('a')
  memo('d')
  assert.deepEqual(calls, ['a', 'b', 'c', 'd', 'a'])
})
