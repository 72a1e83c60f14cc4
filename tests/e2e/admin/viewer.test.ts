import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { logIn, newPage, SERVER, skip, startAdminRig } from './rig.js'

// A viewer sees every server and can change none: no button is rendered, and a POST forged from
// the viewer's own page, with its cookie and a good CSRF token, is refused. The same request
// from an admin's page goes through, so the refusal is the role's doing, not a malformed request.

interface Answer { status: number, error: string | null }

const PAGE_TOKEN = 'document.querySelector(\'meta[name="csrf-token"]\').getAttribute(\'content\')'

/**
 * A POST sent by a script in the page (the browser adds the session cookie), as a form would
 * send it; `token` 'page' takes the CSRF token the page carries, null sends none, any other
 * string is sent as the token.
 */
async function postFromPage (page: Page, path: string, fields: Record<string, string>, token: 'page' | string | null): Promise<Answer> {
  const script = `(async () => {
    const token = ${token === 'page' ? PAGE_TOKEN : JSON.stringify(token)}
    const body = new URLSearchParams(${JSON.stringify(fields)})
    const headers = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' }
    if (token !== null) { body.set('_csrf', token); headers['csrf-token'] = token }
    const res = await fetch(${JSON.stringify(path)}, { method: 'POST', headers, body: body.toString(), credentials: 'same-origin' })
    const text = await res.text()
    let error = null
    try { error = JSON.parse(text).error ?? null } catch {}
    return { status: res.status, error }
  })()`
  return await page.evaluate(script) as Answer
}

test('a viewer sees the cards without Wake or Shut down, and a forged POST from their page is refused with a good token (403) and without one (403)', { skip, timeout: 45_000 }, async (t) => {
  const rig = await startAdminRig(t, { aliveAfterMs: 1000, readyAfterMs: 2000, shutdown: true })
  const { stack, base } = rig

  const viewer = await newPage(rig)
  await logIn(viewer, rig.base, 'victor')
  const card = viewer.locator(`article.server-card[data-server="${SERVER}"]`)
  assert.equal(await card.getAttribute('data-state'), 'OFFLINE')
  assert.equal(await viewer.locator('form[data-action]').count(), 0, 'no Wake or Shut down form in the page, hidden or not')
  assert.equal(await viewer.locator('button', { hasText: /^(Wake|Shut down)$/ }).count(), 0)
  assert.equal(await viewer.locator('.admin-bar a[href="/admin/accounts"]').count(), 0, 'no Accounts link for a viewer')
  assert.match(await viewer.locator('.admin-account').innerText(), /^Signed in as victor \(viewer/)

  // everything to read, nothing to manage
  for (const path of [`/admin/servers/${SERVER}`, '/admin/events', '/admin/keys']) {
    assert.equal((await viewer.goto(`${base}${path}`))?.status(), 200, path)
  }
  assert.equal((await viewer.goto(`${base}/admin/accounts`))?.status(), 403, 'the accounts page is for admins')
  await viewer.goto(`${base}/admin/`)

  const wake = { confirm: 'yes' }
  assert.deepEqual(await postFromPage(viewer, `/admin/servers/${SERVER}/wake`, wake, 'page'), { status: 403, error: 'HALL_ERR_ADMIN_FORBIDDEN' })
  assert.deepEqual(await postFromPage(viewer, `/admin/servers/${SERVER}/shutdown`, wake, 'page'), { status: 403, error: 'HALL_ERR_ADMIN_FORBIDDEN' })
  const account = { name: 'mallory', role: 'admin', password: 'mallory wants to be an admin' }
  assert.deepEqual(await postFromPage(viewer, '/admin/accounts', account, 'page'), { status: 403, error: 'HALL_ERR_ADMIN_FORBIDDEN' })
  assert.deepEqual(await postFromPage(viewer, `/admin/servers/${SERVER}/wake`, wake, null), { status: 403, error: 'HALL_ERR_ADMIN_CSRF' })
  assert.equal(stack.wakeRows(), 0, 'nothing was woken')
  assert.equal(stack.sim.wakeCount, 0)
  assert.equal((await stack.status()).state, 'OFFLINE')

  // an admin's page: a POST without a token is refused all the same
  const admin = await newPage(rig)
  await logIn(admin, base, 'alice')
  assert.equal(await admin.locator('form[data-action]').count(), 2, 'an admin\'s card has both forms')
  assert.deepEqual(await postFromPage(admin, `/admin/servers/${SERVER}/wake`, wake, null), { status: 403, error: 'HALL_ERR_ADMIN_CSRF' })
  assert.equal(stack.wakeRows(), 0)
  // a token is bound to its session: the admin's, sent with the viewer's cookie, is no good either
  const adminToken = await admin.locator('meta[name="csrf-token"]').getAttribute('content')
  assert.ok(adminToken !== null && adminToken !== '')
  assert.deepEqual(await postFromPage(viewer, `/admin/servers/${SERVER}/wake`, wake, adminToken), { status: 403, error: 'HALL_ERR_ADMIN_CSRF' })
  assert.equal(stack.wakeRows(), 0)
  // and the admin's page with its own token wakes the server: the viewer's 403 was the role's
  assert.deepEqual(await postFromPage(admin, `/admin/servers/${SERVER}/wake`, wake, 'page'), { status: 200, error: null })
  await stack.waitForStatus(s => s.state !== 'OFFLINE', 5000, 'the admin\'s wake should start')
  assert.equal(stack.wakeRows(), 1)
  assert.deepEqual(stack.eventMessages('admin-wake'), [`alice asked for a wake of ${SERVER}: started`], 'only the admin\'s request reached the fleet')
})
