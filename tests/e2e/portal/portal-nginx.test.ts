import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { request } from 'undici'
import { HALL_HOST, nginxSkip, PASSWORDS, startPortalStack, type PortalStack } from './rig.js'

// The portal's gate through the shipped deploy/nginx/hall.conf: auth_request asks Hall's
// /forward-auth/nginx on every request to a project's host. A browser without a session is sent
// to the login; the app gets the request's cookies as Hall hands them back, never the portal's
// session; another client's session is refused. No browser: each answer is read as it comes.

interface Answer { status: number, location: string | undefined, setCookies: string[], body: string }

describe('the client portal through nginx', { skip: nginxSkip, timeout: 60_000 }, () => {
  let stack: PortalStack
  const cleanups: Array<() => Promise<void>> = []
  after(async () => { for (const fn of cleanups.reverse()) await fn() })
  before(async () => { stack = await startPortalStack({ after: fn => { cleanups.push(fn) } }, 'nginx') })

  /** A request through nginx to `host` (with the proxy's port, as a browser sends it). */
  async function get (host: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
    const port = new URL(stack.proxyUrl).port
    const res = await request(`${stack.proxyUrl}${path}`, { headers: { host: `${host}:${port}`, ...headers } })
    const setCookie = res.headers['set-cookie']
    return {
      status: res.statusCode,
      location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
      setCookies: setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie],
      body: await res.body.text()
    }
  }

  /** Signs in on Hall's host through nginx, as the login form would; returns the portal's cookie. */
  async function signIn (name: string): Promise<string> {
    const form = await get(HALL_HOST, '/login')
    const nonce = form.setCookies.map(c => c.split(';')[0]!).find(c => c.startsWith('hall_portal_login='))!
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!
    const port = new URL(stack.proxyUrl).port
    const res = await request(`${stack.proxyUrl}/login`, {
      method: 'POST',
      headers: { host: `${HALL_HOST}:${port}`, cookie: nonce, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name, password: PASSWORDS[name]!, _csrf: token }).toString()
    })
    await res.body.dump()
    assert.equal(res.statusCode, 303, `${name} signs in`)
    const setCookie = res.headers['set-cookie']
    const session = (Array.isArray(setCookie) ? setCookie : [setCookie ?? '']).map(c => c.split(';')[0]!).find(c => c.startsWith('hall_portal='))
    assert.ok(session !== undefined)
    return session
  }

  const cookieNames = (body: string): string => /<p id="cookies">([^<]*)<\/p>/.exec(body)?.[1] ?? '(no app page)'
  const acme = (): string => new URL(stack.projectUrl('acme')).hostname
  const globex = (): string => new URL(stack.projectUrl('globex')).hostname

  test('without a session a browser is sent to the portal\'s login with the page it asked for; a script gets a 401', async () => {
    const page = await get(acme(), '/reports?month=5', { accept: 'text/html,application/xhtml+xml' })
    assert.equal(page.status, 302)
    const login = new URL(page.location ?? '')
    assert.equal(login.origin, stack.base)
    assert.equal(login.pathname, '/login')
    assert.equal(login.searchParams.get('to'), `${stack.projectUrl('acme')}reports?month=5`)

    const script = await get(acme(), '/api/items', { accept: 'application/json' })
    assert.equal(script.status, 401)
    assert.equal(script.location, undefined)
    assert.equal(JSON.parse(script.body).error, 'HALL_ERR_PROJECT_LOGIN_REQUIRED')
  })

  test('a member reaches the app, which gets the request\'s cookies but never the portal\'s session', async () => {
    const alice = await signIn('alice')
    const withTheme = await get(acme(), '/reports', { accept: 'text/html', cookie: `theme=dark; ${alice}; lang=fr` })
    assert.equal(withTheme.status, 200)
    assert.match(withTheme.body, /<h1 id="app">acme app<\/h1>/)
    assert.equal(cookieNames(withTheme.body), 'theme lang')
    const sessionOnly = await get(acme(), '/', { accept: 'text/html', cookie: alice })
    assert.equal(sessionOnly.status, 200)
    assert.equal(cookieNames(sessionOnly.body), '', 'no Cookie header at all reaches the app')
  })

  test('a client is refused at another client\'s project; an admin reaches both', async () => {
    const bob = await signIn('bob')
    assert.equal((await get(acme(), '/', { accept: 'text/html', cookie: bob })).status, 403)
    assert.equal((await get(globex(), '/', { accept: 'text/html', cookie: bob })).status, 200)
    const root = await signIn('root')
    for (const host of [acme(), globex()]) assert.equal((await get(host, '/', { accept: 'text/html', cookie: root })).status, 200, host)
  })
})
