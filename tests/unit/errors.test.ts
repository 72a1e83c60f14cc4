import assert from 'node:assert/strict'
import test from 'node:test'
import { errorTable, httpStatusOf, publicMessageOf, type ErrorCode } from '../../service/src/errors.js'

const codes = Object.keys(errorTable) as ErrorCode[]

// 5xx answers that say more than "internal error": about Hall's own load or state, reviewed one by one
const explained5xx: Partial<Record<ErrorCode, string>> = {
  HALL_ERR_SHUTTING_DOWN: 'the proxy retries; nothing failed',
  HALL_ERR_HTTP_TOO_MANY_STREAMS: 'the page falls back to polling'
}

// what a detail looks like: a number (port, address, size), a quoted name, a file or host, an env value
const detail = /\d|["'`]|\.[a-z]|[a-z]:|\$\{|=|\n/i

test('error table: every code is HALL_ERR_<AREA>_<WHAT>, with an HTTP status and a public message', () => {
  for (const code of codes) {
    assert.match(code, /^HALL_ERR_[A-Z]+(_[A-Z]+)*$/, code)
    const status = httpStatusOf(code)
    assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, `${code}: status ${status}`)
    const message = publicMessageOf(code)
    assert.ok(message.trim() !== '' && message === message.trim(), `${code}: message "${message}"`)
  }
})

test('error table: a 500 says only "internal error"', () => {
  for (const code of codes.filter(c => httpStatusOf(c) === 500)) assert.equal(publicMessageOf(code), 'internal error', code)
})

test('error table: no 5xx message leaks details; the ones saying more than "internal error" are listed', () => {
  for (const code of codes.filter(c => httpStatusOf(c) >= 500)) {
    const message = publicMessageOf(code)
    assert.doesNotMatch(message, detail, `${code}: "${message}"`)
    if (message !== 'internal error') assert.ok(code in explained5xx, `${code} says "${message}": review it and list it above`)
  }
})

test('error table: the graceful-stop answer has its own code, not the internal error\'s', () => {
  assert.deepEqual(errorTable.HALL_ERR_SHUTTING_DOWN, { status: 503, message: 'Hall is shutting down' })
  assert.deepEqual(errorTable.HALL_ERR_INTERNAL, { status: 500, message: 'internal error' })
})
