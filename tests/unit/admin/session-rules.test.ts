import assert from 'node:assert/strict'
import test from 'node:test'
import { ABSOLUTE_TIMEOUT_MS, hashSessionId, IDLE_TIMEOUT_MS, isExpired } from '../../../service/src/http/admin/session-cache.js'
import { cookiePolicy } from '../../../service/src/http/admin/session-cookie.js'

test('a session expires after 30 min idle or 8 h since login, whichever comes first', () => {
  const t0 = 1_000_000
  assert.equal(isExpired({ createdAt: t0, lastSeenAt: t0 }, t0 + IDLE_TIMEOUT_MS - 1), false)
  assert.equal(isExpired({ createdAt: t0, lastSeenAt: t0 }, t0 + IDLE_TIMEOUT_MS), true)
  assert.equal(isExpired({ createdAt: t0, lastSeenAt: t0 + ABSOLUTE_TIMEOUT_MS - 1 }, t0 + ABSOLUTE_TIMEOUT_MS - 1), false)
  assert.equal(isExpired({ createdAt: t0, lastSeenAt: t0 + ABSOLUTE_TIMEOUT_MS - 1 }, t0 + ABSOLUTE_TIMEOUT_MS), true)
})

test('the stored form of a session id is its SHA-256, never the id', () => {
  const id = 'q0kH7e2xVv6z9bqR1mN4tY8uP3sA5dF0gJ2lK6wE8cZ'
  assert.match(hashSessionId(id), /^[0-9a-f]{64}$/)
  assert.notEqual(hashSessionId(id), id)
  assert.equal(hashSessionId(id), hashSessionId(id))
})

test('cookies over https: __Host- prefix, Secure, Path=/; over http: plain names kept to /admin', () => {
  const https = cookiePolicy('https://hall.example.com')
  assert.deepEqual([https.session, https.login, https.options.path, https.options.secure], ['__Host-hall_session', '__Host-hall_login', '/', true])
  const http = cookiePolicy('http://hall.lan')
  assert.deepEqual([http.session, http.login, http.options.path, http.options.secure], ['hall_session', 'hall_login', '/admin', false])
  for (const p of [https, http]) {
    assert.equal(p.options.httpOnly, true)
    assert.equal(p.options.sameSite, 'strict')
    assert.equal(p.options.signed, true)
    assert.equal(p.options.domain, undefined, 'never a Domain: no sibling host receives it')
  }
})
