import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createFakeClock } from '../../helpers/fake-clock.js'
import { addAccount, ask, login, startAdmin } from './admin-rig.js'

// Traefik (127.0.0.2) asks /forward-auth/admin for each request to its dashboard, served under
// Hall's host at /admin/traefik/, passing the browser's cookies and its own X-Forwarded-* headers.
const env = { HALL_TRUSTED_PROXIES: '127.0.0.2/32', HALL_ADMIN_ALLOW: '192.168.0.0/16' }
const PROXY = '127.0.0.2'
const forwarded = (uri: string, client = '192.168.1.10', host = 'hall.lan.test'): Record<string, string> =>
  ({ 'x-forwarded-for': client, 'x-forwarded-host': host, 'x-forwarded-proto': 'http', 'x-forwarded-uri': uri, 'x-forwarded-method': 'GET' })
const fromLan = { from: PROXY, headers: { 'x-forwarded-for': '192.168.1.10' } }

test('/forward-auth/admin: 200 for an admin session; a login redirect that comes back, for anyone else', async (t) => {
  const { hall } = await startAdmin(t, { env })
  addAccount(hall, 'alice', 'admin')
  addAccount(hall, 'victor', 'viewer')
  const admin = await login(hall, 'alice', undefined, fromLan)
  const viewer = await login(hall, 'victor', undefined, fromLan)
  const back = `http://hall.lan.test/admin/login?next=${encodeURIComponent('/admin/traefik/dashboard/#/http/routers')}`
  const cases = [
    { name: 'admin session', cookie: admin, status: 200, location: undefined },
    { name: 'viewer session', cookie: viewer, status: 302, location: back },
    { name: 'no cookie', cookie: undefined, status: 302, location: back },
    { name: 'a made-up session', cookie: 'hall_session=abc.def', status: 302, location: back }
  ]
  for (const c of cases) {
    const answer = await ask(hall, '/forward-auth/admin', { from: PROXY, cookie: c.cookie, headers: forwarded('/admin/traefik/dashboard/#/http/routers') })
    assert.equal(answer.status, c.status, c.name)
    assert.equal(answer.headers.location, c.location, c.name)
    assert.equal(answer.headers['cache-control'], 'no-store', c.name)
  }
})

test('/forward-auth/admin sends the browser back only to an admin path on Hall\'s own host', async (t) => {
  const { hall } = await startAdmin(t, { env })
  const cases = [
    { uri: '/admin/traefik/api/overview', host: 'hall.lan.test', next: '/admin/traefik/api/overview' },
    { uri: '/admin/traefik/', host: 'traefik.lan.test', next: '/admin/' },
    { uri: '//evil.test/', host: 'hall.lan.test', next: '/admin/' },
    { uri: '/dashboard/', host: 'hall.lan.test', next: '/admin/' }
  ]
  for (const c of cases) {
    const answer = await ask(hall, '/forward-auth/admin', { from: PROXY, headers: forwarded(c.uri, '192.168.1.10', c.host) })
    assert.equal(answer.status, 302, c.uri)
    assert.equal(answer.headers.location, `http://hall.lan.test/admin/login?next=${encodeURIComponent(c.next)}`, `${c.host}${c.uri}`)
  }
})

test('/forward-auth/admin is answered to trusted proxies only, and judges the client by the allow-list too', async (t) => {
  const { hall } = await startAdmin(t, { env })
  addAccount(hall, 'alice', 'admin')
  const admin = await login(hall, 'alice', undefined, fromLan)
  const direct = await ask(hall, '/forward-auth/admin', { from: '127.0.0.3', cookie: admin, headers: forwarded('/admin/traefik/') })
  assert.equal(direct.status, 403)
  assert.equal(JSON.parse(direct.body).error, 'HALL_ERR_UNTRUSTED_PROXY')
  // a stolen cookie used from outside the LAN: Traefik's ipAllowList should have stopped it; Hall does too
  const outside = await ask(hall, '/forward-auth/admin', { from: PROXY, cookie: admin, headers: forwarded('/admin/traefik/', '8.8.8.8') })
  assert.equal(outside.status, 403)
  assert.equal(JSON.parse(outside.body).error, 'HALL_ERR_ADMIN_NOT_ALLOWED')
})

test('/forward-auth/admin keeps the session alive, and refuses it once it has expired', async (t) => {
  const clock = createFakeClock()
  const { hall } = await startAdmin(t, { env, clock })
  addAccount(hall, 'alice', 'admin')
  const admin = await login(hall, 'alice', undefined, fromLan)
  const check = async (): Promise<number> => (await ask(hall, '/forward-auth/admin', { from: PROXY, cookie: admin, headers: forwarded('/admin/traefik/api/overview') })).status
  clock.advance(25 * 60_000)
  assert.equal(await check(), 200)
  clock.advance(25 * 60_000)
  assert.equal(await check(), 200, 'the dashboard\'s own requests count as activity')
  clock.advance(30 * 60_000)
  assert.equal(await check(), 302)
})
