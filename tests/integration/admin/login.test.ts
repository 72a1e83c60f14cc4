import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createFakeClock } from '../../helpers/fake-clock.js'
import { addAccount, ask, cookieOf, csrfOf, login, loginForm, postLogin, startAdmin, PASSWORD } from './admin-rig.js'

const MINUTE = 60_000

test('an unknown name and a wrong password get the same answer, in about the same time (both hash)', async (t) => {
  const { hall } = await startAdmin(t)
  addAccount(hall, 'alice')
  const timed = async (name: string): Promise<{ ms: number, status: number, body: string }> => {
    const form = await loginForm(hall)
    const started = performance.now()
    const answer = await ask(hall, '/admin/login', { cookie: form.cookie, form: { name, password: 'not the password', _csrf: form.token } })
    return { ms: performance.now() - started, status: answer.status, body: answer.body.replace(/value="[^"]*"/g, '') }
  }
  const wrong = await timed('alice')
  const unknown = await timed('mallory')
  assert.equal(wrong.status, 401)
  assert.equal(unknown.status, 401)
  assert.equal(unknown.body.replace('mallory', 'alice'), wrong.body, 'the same page, the same message')
  assert.match(wrong.body, /Wrong account name or password\./)
  // one scrypt (about 0.25 s) either way: without the dummy hash an unknown name would answer at once
  assert.ok(unknown.ms > wrong.ms * 0.3, `unknown name ${unknown.ms.toFixed(0)} ms, wrong password ${wrong.ms.toFixed(0)} ms`)
})

test('after 5 failures for an account, the 6th try gets 429, even with the right password; the lock lifts by itself after 15 min', async (t) => {
  const clock = createFakeClock()
  const { hall } = await startAdmin(t, { clock })
  addAccount(hall, 'alice')
  for (let i = 1; i <= 5; i++) assert.equal((await postLogin(hall, 'alice', `wrong password ${i}`)).status, 401, `failure ${i}`)
  const sixth = await postLogin(hall, 'alice', PASSWORD)
  assert.equal(sixth.status, 429)
  assert.equal(sixth.headers['retry-after'], String(15 * 60))
  assert.match(sixth.body, /Too many failed logins\. Try again in 15 min\./)
  assert.equal(cookieOf(sixth, 'hall_session'), undefined)

  clock.advance(14 * MINUTE)
  assert.equal((await postLogin(hall, 'ALICE', PASSWORD)).status, 429, 'still locked, whatever the case of the name')
  clock.advance(MINUTE)
  assert.equal((await postLogin(hall, 'alice', PASSWORD)).status, 303, 'lifted: nothing had to run, only time pass')

  const events = hall.store.events.recent(20).reverse()
  const failed = events.filter(e => e.kind === 'login-failed')
  assert.equal(failed.length, 5)
  for (const e of failed) {
    assert.equal(e.level, 'warn')
    assert.deepEqual(e.details, { tried: 'alice', account: null, address: '127.0.0.1' })
  }
  const locks = events.filter(e => e.kind === 'login-locked').map(e => (e.details as { scope: string }).scope).sort()
  assert.deepEqual(locks, ['account', 'address'], 'the account and the address both reached 5')
  assert.equal(events.at(-1)?.kind, 'login')
})

test('5 failures from one address on different names lock that address, not the names', async (t) => {
  const clock = createFakeClock()
  const { hall } = await startAdmin(t, { clock, env: { HALL_ADMIN_ALLOW: '127.0.0.0/8' } })
  addAccount(hall, 'alice')
  for (const name of ['root', 'admin', 'pi', 'hall', 'guest']) assert.equal((await postLogin(hall, name, 'guess guess guess', { from: '127.0.0.5' })).status, 401)
  assert.equal((await postLogin(hall, 'alice', PASSWORD, { from: '127.0.0.5' })).status, 429, 'the address is locked')
  assert.equal((await postLogin(hall, 'alice', PASSWORD, { from: '127.0.0.6' })).status, 303, 'another address logs in')
  const lock = hall.store.events.recent(20).find(e => e.kind === 'login-locked')
  assert.deepEqual(lock?.details, { tried: 'guest', scope: 'address', account: null, address: '127.0.0.5' })
})

test('a POST without the CSRF token, with a wrong one, or with another session\'s is refused with 403 before its handler', async (t) => {
  const { hall } = await startAdmin(t)
  addAccount(hall, 'alice')
  addAccount(hall, 'bob')
  const alice = await login(hall, 'alice')
  const bob = await login(hall, 'bob')
  const bobToken = csrfOf(await ask(hall, '/admin/', { cookie: bob }))
  const cases: Array<{ name: string, form: Record<string, string> }> = [
    { name: 'no token', form: {} },
    { name: 'a made-up token', form: { _csrf: 'abc-def' } },
    { name: 'another session\'s token', form: { _csrf: bobToken } }
  ]
  for (const c of cases) {
    const answer = await ask(hall, '/admin/logout', { cookie: alice, form: c.form })
    assert.equal(answer.status, 403, c.name)
    assert.equal(JSON.parse(answer.body).error, 'HALL_ERR_ADMIN_CSRF', c.name)
  }
  assert.equal((await ask(hall, '/admin/', { cookie: alice })).status, 200, 'the handler never ran: alice is still logged in')
  assert.equal(hall.store.events.recent(20).filter(e => e.kind === 'logout').length, 0)
  // a script sends the token as a header
  const token = csrfOf(await ask(hall, '/admin/', { cookie: alice }))
  assert.equal((await ask(hall, '/admin/logout', { cookie: alice, method: 'POST', headers: { 'csrf-token': token } })).status, 303)

  // the login form's own POST needs its token too
  const form = await loginForm(hall)
  const noToken = await ask(hall, '/admin/login', { cookie: form.cookie, form: { name: 'alice', password: PASSWORD } })
  assert.equal(noToken.status, 403)
  assert.equal(cookieOf(noToken, 'hall_session'), undefined)
})

test('a login gives a new session id, and the one held before it stops working (no session fixation)', async (t) => {
  const { hall } = await startAdmin(t)
  addAccount(hall, 'alice')
  const first = await login(hall, 'alice')
  const second = await login(hall, 'alice', PASSWORD, { cookie: first })
  assert.notEqual(second, first)
  assert.equal((await ask(hall, '/admin/', { cookie: first })).status, 303, 'the earlier id is gone')
  assert.equal((await ask(hall, '/admin/', { cookie: second })).status, 200)
})

test('after login the browser goes on to a safe `next` only: an admin path, never another host', async (t) => {
  const { hall } = await startAdmin(t)
  addAccount(hall, 'alice')
  const cases = [
    { next: '/admin/traefik/dashboard/', location: '/admin/traefik/dashboard/' },
    { next: '/admin/events?level=warn', location: '/admin/events?level=warn' },
    { next: 'https://evil.test/admin/', location: '/admin/' },
    { next: '//evil.test/admin/', location: '/admin/' },
    { next: '/\\evil.test', location: '/admin/' },
    { next: '/admin/\\evil.test', location: '/admin/' },
    { next: '/waiting/app.hall.test', location: '/admin/' }
  ]
  for (const c of cases) {
    const form = await loginForm(hall)
    const answer = await ask(hall, '/admin/login', { cookie: form.cookie, form: { name: 'alice', password: PASSWORD, _csrf: form.token, next: c.next } })
    assert.equal(answer.status, 303, c.next)
    assert.equal(answer.headers.location, c.location, c.next)
  }
})
