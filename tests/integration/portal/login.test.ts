import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { before, test } from 'node:test'
import type { Service } from '../../../service/src/main.js'
import { ask, cookieOf, csrfOf, loginForm, NONCE_COOKIE, PASSWORD, postLogin, SESSION_COOKIE, signIn, startPortal, type Answer } from './portal-rig.js'
import { postLogin as postAdminLogin } from '../admin/admin-rig.js'

// The portal's login on Hall's public host, as a browser posts it (no browser: see
// tests/e2e/portal for Chromium through Caddy). Each test speaks from its own loopback address,
// so the request budget and the locks of one never reach another.

interface Payloads { domain: string, cases: Array<{ name: string, to: string, ok: boolean }> }
const payloads = JSON.parse(readFileSync(new URL('../../fixtures/open-redirect.json', import.meta.url), 'utf8')) as Payloads

let hall: Service
before(async (t) => { ({ hall } = await startPortal(t as never)) })

const detail = (details: unknown, key: string): unknown => (details as Record<string, unknown> | undefined)?.[key]
const setCookie = (answer: Answer, name: string): string | undefined => answer.cookies.find(c => c.startsWith(`${name}=`))

test('a client signs in: 303 to its projects, a new session cookie for the projects\' parent domain, HttpOnly and SameSite=Lax', async () => {
  const from = '127.0.1.1'
  const form = await loginForm(hall, { from })
  assert.equal(form.page.status, 200)
  assert.equal(form.page.headers['cache-control'], 'no-store')
  assert.match(String(form.page.headers['content-security-policy']), /default-src 'none'/)
  assert.match(setCookie(form.page, NONCE_COOKIE) ?? '', /^hall_portal_login=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/, 'the form\'s nonce: Hall\'s host only, signed')

  const answer = await ask(hall, '/login', { from, cookie: form.cookie, form: { name: 'alice', password: PASSWORD, _csrf: form.token } })
  assert.equal(answer.status, 303)
  assert.equal(answer.headers.location, '/projects')
  const cookie = setCookie(answer, SESSION_COOKIE) ?? ''
  assert.match(cookie, /^hall_portal=[A-Za-z0-9_-]{43}; Domain=example\.test; Path=\/; HttpOnly; SameSite=Lax$/)
  assert.match(setCookie(answer, NONCE_COOKIE) ?? '', /Expires=Thu, 01 Jan 1970/, 'the nonce is spent')
  const login = hall.store.events.recent(5).find(e => e.kind === 'portal-login')
  assert.deepEqual(login?.details, { account: 'alice', address: from })
})

test('a POST without the CSRF token, with a made-up one, or without the nonce its token is bound to is refused with 403', async () => {
  const from = '127.0.1.2'
  const form = await loginForm(hall, { from })
  const cases: Array<{ name: string, cookie: string, fields: Record<string, string> }> = [
    { name: 'no token', cookie: form.cookie, fields: {} },
    { name: 'a made-up token', cookie: form.cookie, fields: { _csrf: 'abc-def' } },
    { name: 'the token without its nonce cookie', cookie: '', fields: { _csrf: form.token } }
  ]
  for (const c of cases) {
    const answer = await ask(hall, '/login', { from, cookie: c.cookie, form: { name: 'alice', password: PASSWORD, ...c.fields } })
    assert.equal(answer.status, 403, c.name)
    assert.equal(JSON.parse(answer.body).error, 'HALL_ERR_ADMIN_CSRF', c.name)
    assert.equal(cookieOf(answer, SESSION_COOKIE), undefined, c.name)
  }
  const session = await signIn(hall, 'alice', { from })
  for (const path of ['/logout', '/projects/acme/wake']) {
    const answer = await ask(hall, path, { from, cookie: session, form: { _csrf: 'abc-def' } })
    assert.equal(answer.status, 403, path)
  }
  assert.equal((await ask(hall, '/projects', { from, cookie: session })).status, 200, 'the session still stands')
})

test('an unknown name and a wrong password get the same 401 page; after 5 failures the account is locked (429), the right password too', async () => {
  const from = '127.0.1.3'
  const wrong = await postLogin(hall, 'carol', 'not the password', { from })
  const unknown = await postLogin(hall, 'mallory', 'not the password', { from: '127.0.1.4' })
  assert.equal(wrong.status, 401)
  assert.equal(unknown.status, 401)
  const page = (a: Answer): string => a.body.replace(/value="[^"]*"/g, '')
  assert.equal(page(unknown), page(wrong), 'the same page, the same message')
  assert.match(wrong.body, /Wrong account name or password\./)
  for (let i = 2; i <= 5; i++) assert.equal((await postLogin(hall, 'carol', `wrong password ${i}`, { from })).status, 401, `failure ${i}`)
  const sixth = await postLogin(hall, 'carol', PASSWORD, { from: '127.0.1.5' })
  assert.equal(sixth.status, 429, 'the account is locked, from any address')
  assert.equal(sixth.headers['retry-after'], String(15 * 60))
  assert.match(sixth.body, /Too many failed sign-ins\. Try again in 15 min\./)
  assert.equal(cookieOf(sixth, SESSION_COOKIE), undefined)
  const events = hall.store.events.recent(50)
  assert.equal(events.filter(e => e.kind === 'portal-login-failed' && detail(e.details, 'tried') === 'carol').length, 5)
  const locks = events.filter(e => e.kind === 'portal-login-locked').map(e => e.details)
  assert.deepEqual(locks.map(d => detail(d, 'scope')).sort(), ['account', 'address'], 'the account and the address both reached 5')
  assert.ok(locks.every(d => detail(d, 'address') === from && detail(d, 'tried') === 'carol'))
})

test('a viewer with the right password is told this account has no access to projects, and gets no session', async () => {
  const answer = await postLogin(hall, 'victor', PASSWORD, { from: '127.0.1.6' })
  assert.equal(answer.status, 403)
  assert.match(answer.body, /This account has no access to projects\./)
  assert.equal(cookieOf(answer, SESSION_COOKIE), undefined)
  assert.equal(detail(hall.store.events.recent(5).find(e => e.kind === 'portal-login-refused')?.details, 'tried'), 'victor')
})

test('a new session id at each login: the id the browser held before, planted or its own, opens nothing afterwards', async () => {
  const from = '127.0.1.7'
  const earlier = await signIn(hall, 'alice', { from })
  const planted = 'hall_portal=planted-0123456789abcdefghijklmnopqrstuvwxyzABCDE'
  for (const held of [earlier, planted]) {
    const form = await loginForm(hall, { from })
    const answer = await ask(hall, '/login', { from, cookie: `${form.cookie}; ${held}`, form: { name: 'alice', password: PASSWORD, _csrf: form.token } })
    assert.equal(answer.status, 303, held)
    const fresh = cookieOf(answer, SESSION_COOKIE)!
    assert.notEqual(fresh, held)
    const after = await ask(hall, '/projects', { from, cookie: held })
    assert.equal(after.status, 303, 'the id held before is no session')
    assert.equal(after.headers.location, '/login')
    assert.equal((await ask(hall, '/projects', { from, cookie: fresh })).status, 200)
  }
})

test('signed in, /login?to= sends the browser on only to Hall\'s host or a project\'s: every open-redirect payload lands on /projects', async () => {
  const from = '127.0.1.8'
  const session = await signIn(hall, 'alice', { from })
  for (const c of payloads.cases) {
    const answer = await ask(hall, `/login?to=${encodeURIComponent(c.to)}`, { from, cookie: session })
    assert.equal(answer.status, 303, c.name)
    assert.equal(answer.headers.location, c.ok ? new URL(c.to).href : '/projects', c.name)
  }
  const own = await ask(hall, `/login?to=${encodeURIComponent('http://hall.example.test/projects?x=1')}`, { from, cookie: session })
  assert.equal(own.headers.location, 'http://hall.example.test/projects?x=1', 'Hall\'s own host')
})

test('the login form carries a safe `to` and drops any other; after signing in the browser goes back there', async () => {
  const from = '127.0.1.9'
  const to = 'https://acme.example.test/report?q=1'
  const form = await loginForm(hall, { from, headers: {} })
  assert.match(form.page.body, /name="to" value=""/)
  assert.match(String(form.page.headers['content-security-policy']), /form-action 'self';/)
  const withTo = await ask(hall, `/login?to=${encodeURIComponent(to)}`, { from })
  assert.match(withTo.body, /name="to" value="https:\/\/acme\.example\.test\/report\?q=1"/)
  // browsers hold the form's redirect to form-action too: the project's origin, and only it
  assert.match(String(withTo.headers['content-security-policy']), /form-action 'self' https:\/\/acme\.example\.test;/)
  const evil = await ask(hall, `/login?to=${encodeURIComponent('https://evil.test/"><script>')}`, { from })
  assert.match(evil.body, /name="to" value=""/)
  for (const [target, location] of [[to, to], ['javascript:alert(1)', '/projects'], ['//evil.test/', '/projects'], ['https://user:pw@acme.example.test/', '/projects']]) {
    const answer = await postLogin(hall, 'alice', PASSWORD, { from, to: target })
    assert.equal(answer.status, 303, target)
    assert.equal(answer.headers.location, location, target)
  }
})

test('another project\'s client signs in on the way to it and is told plainly, with a way to sign in as someone else', async () => {
  const from = '127.0.1.10'
  const to = 'https://acme.example.test/report?q=1'
  const answer = await postLogin(hall, 'bob', PASSWORD, { from, to })
  assert.equal(answer.status, 303)
  assert.equal(answer.headers.location, `/login?to=${encodeURIComponent(to)}`)
  const bob = cookieOf(answer, SESSION_COOKIE)!
  const refused = await ask(hall, answer.headers.location, { from, cookie: bob })
  assert.equal(refused.status, 403)
  assert.match(refused.body, /You are signed in as <strong>bob<\/strong>, and <strong>bob<\/strong> may not open the project <strong>acme<\/strong>\./)
  assert.match(refused.body, /<form method="post" action="\/logout"/)
  assert.match(refused.body, /name="to" value="https:\/\/acme\.example\.test\/report\?q=1"/)

  const out = await ask(hall, '/logout', { from, cookie: bob, form: { _csrf: csrfOf(refused), to } })
  assert.equal(out.status, 303)
  assert.equal(out.headers.location, `/login?to=${encodeURIComponent(to)}`, 'back to the form, for the next account')
  assert.match(setCookie(out, SESSION_COOKIE) ?? '', /^hall_portal=; Max-Age=0; Domain=example\.test; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/)
  assert.equal((await ask(hall, '/projects', { from, cookie: bob })).headers.location, '/login', 'the session has ended')
  assert.equal(detail(hall.store.events.recent(5).find(e => e.kind === 'portal-logout')?.details, 'account'), 'bob')
})

test('failures at the admin\'s login and at the portal\'s count together: five across both lock the account at both', async () => {
  for (let i = 1; i <= 3; i++) assert.equal((await postAdminLogin(hall, 'victor', `wrong password ${i}`, { from: '127.0.1.20' })).status, 401, `admin failure ${i}`)
  for (let i = 4; i <= 5; i++) assert.equal((await postLogin(hall, 'victor', `wrong password ${i}`, { from: '127.0.1.21' })).status, 401, `portal failure ${i}`)
  assert.equal((await postLogin(hall, 'victor', PASSWORD, { from: '127.0.1.22' })).status, 429, 'locked at the portal')
  assert.equal((await postAdminLogin(hall, 'victor', PASSWORD, { from: '127.0.1.23' })).status, 429, 'locked at the admin')
})
