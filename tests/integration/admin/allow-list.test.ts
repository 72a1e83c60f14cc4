import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addAccount, ask, login, startAdmin } from './admin-rig.js'

// Loopback addresses stand for the network: 127.0.0.2 is the proxy (HALL_TRUSTED_PROXIES),
// 127.0.0.3 a client outside HALL_ADMIN_ALLOW, 127.0.0.4 a LAN client talking to Hall directly.
const env = { HALL_TRUSTED_PROXIES: '127.0.0.2/32', HALL_ADMIN_ALLOW: '127.0.0.4/32,192.168.0.0/16' }
const PROXY = '127.0.0.2'
const OUTSIDE = '127.0.0.3'
const LAN = '127.0.0.4'

const refused = { error: 'HALL_ERR_ADMIN_NOT_ALLOWED', message: 'forbidden' }

test('outside HALL_ADMIN_ALLOW the whole of /admin is a plain 403: no login form, no hint, any path or method', async (t) => {
  const { hall } = await startAdmin(t, { env })
  addAccount(hall, 'alice')
  const cases: Array<{ path: string, form?: Record<string, string> }> = [
    { path: '/admin' },
    { path: '/admin/' },
    { path: '/admin/login' },
    { path: '/admin/no-such-page' },
    { path: '/admin/traefik/dashboard/' },
    { path: '/admin/login', form: { name: 'alice', password: 'correct horse battery staple' } },
    { path: '/admin/logout', form: {} }
  ]
  for (const c of cases) {
    const answer = await ask(hall, c.path, { from: OUTSIDE, form: c.form })
    assert.equal(answer.status, 403, c.path)
    assert.deepEqual(JSON.parse(answer.body), refused, c.path)
    assert.doesNotMatch(answer.body, /<form|password|hall user/i, c.path)
    assert.deepEqual(answer.cookies, [], `${c.path}: no cookie handed out`)
  }
})

test('a forged X-Forwarded-For from an untrusted peer changes nothing: 403', async (t) => {
  const { hall } = await startAdmin(t, { env })
  for (const forged of ['192.168.1.10', '127.0.0.4', '8.8.8.8, 192.168.1.10']) {
    const answer = await ask(hall, '/admin/login', { from: OUTSIDE, headers: { 'x-forwarded-for': forged } })
    assert.equal(answer.status, 403, forged)
  }
})

test('through a trusted proxy, the right-most X-Forwarded-For entry (the one it appended) decides', async (t) => {
  const { hall } = await startAdmin(t, { env })
  addAccount(hall, 'alice')
  const lanViaProxy = await ask(hall, '/admin/login', { from: PROXY, headers: { 'x-forwarded-for': '192.168.1.10' } })
  assert.equal(lanViaProxy.status, 200)
  assert.match(lanViaProxy.body, /<form method="post" action="\/admin\/login">/)
  // the client wrote the left-most entry itself: it proves nothing
  const spoofed = await ask(hall, '/admin/login', { from: PROXY, headers: { 'x-forwarded-for': '8.8.8.8, 192.168.1.10' } })
  assert.equal(spoofed.status, 200, 'the proxy appended a LAN address: allowed')
  const outside = await ask(hall, '/admin/login', { from: PROXY, headers: { 'x-forwarded-for': '192.168.1.10, 8.8.8.8' } })
  assert.equal(outside.status, 403, 'the proxy appended an outside address: refused, whatever the client wrote before it')
  const garbage = await ask(hall, '/admin/login', { from: PROXY, headers: { 'x-forwarded-for': '192.168.1.10, not-an-address' } })
  assert.equal(garbage.status, 403, 'what is not an address is refused, not read as the proxy itself')
})

test('a LAN client reaching Hall directly gets the login form, and can log in', async (t) => {
  const { hall } = await startAdmin(t, { env })
  addAccount(hall, 'alice')
  assert.equal((await ask(hall, '/admin/login', { from: LAN })).status, 200)
  const session = await login(hall, 'alice', undefined, { from: LAN })
  const overview = await ask(hall, '/admin/', { from: LAN, cookie: session })
  assert.equal(overview.status, 200)
  assert.equal(overview.headers['cache-control'], 'no-store')
  // the session does not carry the client past the allow-list from another address
  assert.equal((await ask(hall, '/admin/', { from: OUTSIDE, cookie: session })).status, 403)
})

test('with no account yet, /admin says which command makes the first one; there is no default password', async (t) => {
  const { hall } = await startAdmin(t, { env })
  for (const path of ['/admin/', '/admin/login']) {
    const answer = await ask(hall, path, { from: LAN })
    assert.equal(answer.status, 200, path)
    assert.match(answer.body, /<code>hall user add NAME --role admin<\/code>/, path)
    assert.doesNotMatch(answer.body, /<form/, path)
  }
  for (const password of ['admin', 'password', 'hall', '']) {
    const answer = await ask(hall, '/admin/login', { from: LAN, form: { name: 'admin', password } })
    assert.notEqual(answer.status, 303, `"${password}" is not a way in`)
  }
})
