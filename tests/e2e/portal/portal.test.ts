import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { COOKIE_DOMAIN, newPage, signIn, skip, startPortalRig, type PortalRig } from './rig.js'

// Issue 12's portal story in a real browser through a real proxy: a client signs in, sees only
// its projects and reaches its members project; another client is sent to the login page and
// then refused; an admin reaches every project. Caddy's forward_auth asks Hall on every request
// to a project's host, as Traefik's forwardAuth does.

describe('the client portal through Caddy, in Chromium', { skip, timeout: 60_000 }, () => {
  let rig: PortalRig
  const started = performance.now()
  // a suite's hooks have no t.after: the rig's cleanups run here, last started first
  const cleanups: Array<() => Promise<void>> = []
  after(async () => { for (const fn of cleanups.reverse()) await fn() })
  before(async () => {
    rig = await startPortalRig({ after: fn => { cleanups.push(fn) } })
    console.log(`# rig up (Hall, Caddy, Chromium, 2 projects, 3 accounts) in ${Math.round(performance.now() - started)} ms`)
  })

  /** Opens a project's page without a session: the gate sends the browser to Hall's login form, with the page in `to`. */
  async function openToLogin (page: Page, project: string, path = ''): Promise<void> {
    const target = `${rig.projectUrl(project)}${path}`
    const answer = await page.goto(target)
    assert.equal(answer?.status(), 200)
    const login = new URL(page.url())
    assert.equal(login.origin, rig.base, 'on Hall\'s host')
    assert.equal(login.pathname, '/login')
    assert.equal(login.searchParams.get('to'), target)
    assert.equal((await answer?.request().redirectedFrom()?.response())?.status(), 302, 'the gate\'s redirect')
  }

  test('alice signs in on the way to acme, lands back on the page she asked for, and the cookie is for the parent domain', async () => {
    const t0 = performance.now()
    const page = await newPage(rig)
    await openToLogin(page, 'acme', 'reports?month=5')
    assert.equal(await signIn(page, 'alice'), 303)
    await page.waitForURL(`${rig.projectUrl('acme')}reports?month=5`)
    assert.equal(await page.locator('#app').textContent(), 'acme app')
    assert.equal(await page.locator('#path').textContent(), '/reports?month=5')
    const cookies = await page.context().cookies()
    const session = cookies.find(c => c.name === 'hall_portal')
    assert.ok(session !== undefined, `cookies: ${JSON.stringify(cookies.map(c => c.name))}`)
    assert.equal(session.domain, `.${COOKIE_DOMAIN}`)
    assert.equal(session.httpOnly, true)
    assert.equal(session.sameSite, 'Lax')
    assert.equal(session.path, '/')
    // the app behind the gate gets the request's cookies, but never the portal's session
    assert.equal(await page.locator('#cookies').textContent(), '')
    await page.context().addCookies([{ name: 'theme', value: 'dark', url: rig.projectUrl('acme') }])
    await page.reload()
    assert.equal(await page.locator('#cookies').textContent(), 'theme')

    // her projects: acme only, with its address, which opens it
    await page.goto(`${rig.base}/projects`)
    assert.deepEqual(await page.locator('li.project').evaluateAll(items => items.map(li => li.getAttribute('data-project'))), ['acme'])
    assert.equal(await page.locator('#portal-account').textContent(), 'Signed in as alice')
    assert.equal(await page.locator('li.project .project-client').textContent(), 'ACME Corp')
    assert.equal(await page.locator('li.project .server-state').getAttribute('data-phase'), 'RUNNING')
    assert.equal(await page.locator('li.project form[action$="/wake"]').count(), 0, 'no wake button while the server is up')
    const address = page.locator('li.project a.project-address')
    assert.equal(await address.getAttribute('href'), rig.projectUrl('acme'))
    await address.click()
    await page.waitForURL(rig.projectUrl('acme'))
    assert.equal(await page.locator('#app').textContent(), 'acme app')

    // globex is bob's: Hall's gate refuses her at its door
    const refused = await page.goto(rig.projectUrl('globex'))
    assert.equal(refused?.status(), 403)
    assert.equal(page.url(), rig.projectUrl('globex'), 'no redirect: refused where she stands')
    assert.match(await page.locator('body').textContent() ?? '', /alice is not a member of this project/)
    // a page saying why, with the way to the portal's login under another name
    assert.equal(await page.locator('h1').textContent(), 'You may not open this project')
    assert.equal(await page.locator('a', { hasText: 'Sign in as someone else' }).getAttribute('href'), `${rig.base}/login?to=${encodeURIComponent(rig.projectUrl('globex'))}`)
    console.log(`# alice: sign-in, projects page, refusal at globex in ${Math.round(performance.now() - t0)} ms`)
  })

  test('bob is sent to the login page on the way to acme and, signed in, told plainly he may not open it; he reaches globex; signing out lets alice in', async () => {
    const t0 = performance.now()
    const page = await newPage(rig)
    await openToLogin(page, 'acme')
    assert.equal(await signIn(page, 'bob'), 303)
    await page.locator('#portal-refused').waitFor()
    assert.equal(new URL(page.url()).pathname, '/login')
    assert.equal(await page.locator('#portal-refused').textContent(), 'You are signed in as bob, and bob may not open the project acme.')

    const globex = await page.goto(rig.projectUrl('globex'))
    assert.equal(globex?.status(), 200)
    assert.equal(await page.locator('#app').textContent(), 'globex app')
    const acme = await page.goto(rig.projectUrl('acme'))
    assert.equal(acme?.status(), 403, 'the gate refuses his session at acme')

    // the way out the refusal page offers: sign out, and sign in as the project's client
    await page.goto(`${rig.base}/login?to=${encodeURIComponent(rig.projectUrl('acme'))}`)
    await page.locator('form[action="/logout"] button').click()
    await page.waitForURL(url => url.pathname === '/login' && url.searchParams.get('to') === rig.projectUrl('acme'))
    assert.equal(await signIn(page, 'alice'), 303)
    await page.waitForURL(rig.projectUrl('acme'))
    assert.equal(await page.locator('#app').textContent(), 'acme app')
    console.log(`# bob: refused at acme, reaches globex, then alice in the same browser in ${Math.round(performance.now() - t0)} ms`)
  })

  test('an admin signs in at /login and reaches every project; its projects page lists them all', async () => {
    const t0 = performance.now()
    const page = await newPage(rig)
    await openToLogin(page, 'globex')
    assert.equal(await signIn(page, 'root'), 303)
    await page.waitForURL(rig.projectUrl('globex'))
    assert.equal(await page.locator('#app').textContent(), 'globex app')
    await page.goto(rig.projectUrl('acme'))
    assert.equal(await page.locator('#app').textContent(), 'acme app')
    await page.goto(`${rig.base}/projects`)
    assert.equal(await page.locator('h1').textContent(), 'All projects')
    assert.deepEqual(await page.locator('li.project').evaluateAll(items => items.map(li => li.getAttribute('data-project'))), ['acme', 'globex'])
    console.log(`# root: both projects in ${Math.round(performance.now() - t0)} ms; whole file ${Math.round(performance.now() - started)} ms`)
  })
})
