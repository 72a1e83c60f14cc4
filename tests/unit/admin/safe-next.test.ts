import assert from 'node:assert/strict'
import test from 'node:test'
import { safeNext } from '../../../service/src/http/admin/login-routes.js'

const cases: Array<{ next: string | undefined, expected: string }> = [
  { next: undefined, expected: '/admin/' },
  { next: '/admin', expected: '/admin' },
  { next: '/admin/', expected: '/admin/' },
  { next: '/admin/servers/lab?range=7d', expected: '/admin/servers/lab?range=7d' },
  { next: '/admin/traefik/dashboard/', expected: '/admin/traefik/dashboard/' },
  { next: '/administrator', expected: '/admin/' },
  { next: '/', expected: '/admin/' },
  { next: 'https://evil.test/admin/', expected: '/admin/' },
  { next: '//evil.test/admin/', expected: '/admin/' },
  { next: '/admin/\\\\evil.test', expected: '/admin/' },
  { next: '/admin/\r\nSet-Cookie: x=1', expected: '/admin/' },
  { next: '/admin/ x', expected: '/admin/' },
  { next: 'javascript:alert(1)', expected: '/admin/' }
]
for (const c of cases) {
  test(`after login, next=${JSON.stringify(c.next)} goes to ${c.expected}`, () => assert.equal(safeNext(c.next), c.expected))
}
