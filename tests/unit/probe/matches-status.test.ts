import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { StatusMatcher } from '../../../service/src/config/types.js'
import { matchesStatus } from '../../../service/src/probe/http.js'

const codes = (...list: number[]): StatusMatcher => ({ kind: 'codes', codes: list })
const klass = (hundreds: number): StatusMatcher => ({ kind: 'class', hundreds })
const below = (limit: number): StatusMatcher => ({ kind: 'below', limit })

const cases = [
  { name: 'exact 200', matcher: codes(200), status: 200, ok: true },
  { name: 'one of several codes', matcher: codes(200, 204, 401), status: 401, ok: true },
  { name: 'code not listed', matcher: codes(200), status: 204, ok: false },
  { name: 'empty code list', matcher: codes(), status: 200, ok: false },
  { name: '503 listed is still not ready', matcher: codes(503), status: 503, ok: false },
  { name: '500 listed is still not ready', matcher: codes(200, 500), status: 500, ok: false },
  { name: '2xx lower edge', matcher: klass(2), status: 200, ok: true },
  { name: '2xx upper edge', matcher: klass(2), status: 299, ok: true },
  { name: '2xx rejects 300', matcher: klass(2), status: 300, ok: false },
  { name: '2xx rejects 199', matcher: klass(2), status: 199, ok: false },
  { name: '2xx rejects 404', matcher: klass(2), status: 404, ok: false },
  { name: '3xx accepts a redirect', matcher: klass(3), status: 302, ok: true },
  { name: '5xx class is never ready', matcher: klass(5), status: 502, ok: false },
  { name: 'below 500 accepts 404', matcher: below(500), status: 404, ok: true },
  { name: 'below 500 accepts 499', matcher: below(500), status: 499, ok: true },
  { name: 'below 500 rejects 500', matcher: below(500), status: 500, ok: false },
  { name: 'below 400 rejects 404', matcher: below(400), status: 404, ok: false },
  { name: 'below 600 still rejects 503', matcher: below(600), status: 503, ok: false }
]

for (const c of cases) {
  test(`matchesStatus: ${c.name}`, () => assert.equal(matchesStatus(c.matcher, c.status), c.ok))
}
