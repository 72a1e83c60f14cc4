import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { logIn, newPage, PASSWORDS, SERVER, skip, startAdminRig } from './rig.js'
import { takeScreenshots } from './screenshots.js'
import { recordCardStates } from './states.js'

// An operator's day in the admin, in Chromium, through Caddy, against a real `hall serve` and a
// simulated machine that boots on its magic packet and powers off when a real OpenSSH relay runs
// its shutdown command. HALL_SCREENSHOTS_DIR=docs/screenshots keeps the screenshots it takes.

/** Clicks a card's Wake or Shut down, accepts the confirm() it asks, and returns the POST's JSON answer. */
async function pressAndConfirm (page: Page, card: Locator, action: 'wake' | 'shutdown', question: string): Promise<{ outcome: string, message: string }> {
  const dialog = page.waitForEvent('dialog').then(async d => {
    const asked = { type: d.type(), message: d.message() }
    await d.accept()
    return asked
  })
  const answer = page.waitForResponse(res => res.request().method() === 'POST' && new URL(res.url()).pathname === `/admin/servers/${SERVER}/${action}`)
  await card.locator(`form[data-action="${action}"] button`).click()
  assert.deepEqual(await dialog, { type: 'confirm', message: question })
  const res = await answer
  assert.equal(res.status(), 200, await res.text())
  return await res.json() as { outcome: string, message: string }
}

/** The cells of the table row of the page matching `row`, as text. */
async function cells (page: Page, row: Locator): Promise<string[]> {
  await row.first().waitFor()
  assert.equal(await row.count(), 1, `one row only: ${await page.locator('main').innerText()}`)
  return (await row.locator('td').allInnerTexts()).map(s => s.trim())
}

test('an admin signs in through Caddy, wakes the sleeping server and watches its card go WAKING, BOOTING, RUNNING, finds the wake under their name, shuts it down, and after logout the back button shows no dashboard', { skip, timeout: 55_000 }, async (t) => {
  const startedMs = performance.now()
  const rig = await startAdminRig(t, { aliveAfterMs: 1500, readyAfterMs: 4000, shutdown: true })
  const { stack, base } = rig
  const page = await newPage(rig)
  const problems: string[] = [] // a CSP refusal or a script error shows up here
  page.on('console', m => {
    // Chromium ignores Cross-Origin-Opener-Policy on a plain-http origin and says so, and asks
    // for /favicon.ico by itself (Hall has none): neither is the page's doing
    const harmless = m.text().startsWith('The Cross-Origin-Opener-Policy header has been ignored') || m.location().url.endsWith('/favicon.ico')
    if (m.type() === 'error' && !harmless) problems.push(`${m.text()} (${m.location().url})`)
  })
  page.on('pageerror', e => problems.push(e.message))
  page.on('response', r => { if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`) })
  const ready = performance.now()

  await logIn(page, base, 'alice')
  const cards = page.locator('article.server-card')
  assert.deepEqual(await cards.evaluateAll(all => all.map(a => a.getAttribute('data-server'))), [SERVER], 'one card per server')
  const card = page.locator(`article.server-card[data-server="${SERVER}"]`)
  assert.equal(await card.getAttribute('data-state'), 'OFFLINE')
  assert.equal(await card.locator('[data-field="state"]').innerText(), 'Asleep')
  assert.equal(await card.locator('form[data-action="shutdown"]').isHidden(), true, 'nothing to shut down while asleep')

  // the wake, by hand: the card follows over the event stream, the page is never reloaded
  const states = await recordCardStates(page, SERVER)
  const navigations: string[] = []
  page.on('framenavigated', f => { if (f === page.mainFrame()) navigations.push(f.url()) })
  const woken = await pressAndConfirm(page, card, 'wake', `Wake ${SERVER} now?`)
  assert.equal(woken.outcome, 'started')
  await states.waitFor('RUNNING', 20_000)
  assert.deepEqual(states.seen, ['OFFLINE', 'WAKING', 'BOOTING', 'RUNNING'])
  assert.deepEqual(navigations, [], 'no reload, no navigation')
  assert.equal(await card.locator('[data-field="notice"]').innerText(), woken.message)
  assert.equal(stack.sim.state, 'up')
  const wokenMs = performance.now()

  // the server page names alice as the one who asked, with each step's time
  await page.goto(`${base}/admin/servers/${SERVER}`)
  const wake = await cells(page, page.locator('tr[data-wake-id]'))
  assert.match(wake[1]!, /\(alice\)/, `the wake's trigger names the account: ${wake.join(' | ')}`)
  assert.equal(wake[6], 'succeeded')
  assert.ok(wake.slice(3, 6).every(s => /^\+/.test(s)), `sent, alive and running each have a time: ${wake.join(' | ')}`)
  await page.locator('#chart-day canvas').first().waitFor() // the page's own script drew the charts

  // so does the event log
  await page.goto(`${base}/admin/events`)
  const logged = await cells(page, page.locator('#hall-events tbody tr', { has: page.locator('code', { hasText: /^admin-wake$/ }) }))
  assert.equal(logged[2], SERVER)
  assert.match(logged[4]!, new RegExp(`^alice asked for a wake of ${SERVER}: started`))
  assert.equal(logged[5], 'alice', 'the "by" column')

  // the shutdown, by hand: the relay runs the command, the machine powers off, the card follows
  await page.goto(`${base}/admin/`)
  assert.equal(await card.getAttribute('data-state'), 'RUNNING')
  const states2 = await recordCardStates(page, SERVER)
  navigations.length = 0
  const stopped = await pressAndConfirm(page, card, 'shutdown', `Shut down ${SERVER} now?`)
  assert.equal(stopped.outcome, 'started')
  await states2.waitFor('OFFLINE', 20_000)
  assert.deepEqual(states2.seen, ['RUNNING', 'SHUTDOWN', 'OFFLINE'])
  assert.deepEqual(navigations, [])
  assert.equal(stack.sim.powerOffs, 1, 'the relay pressed the power button once')
  assert.equal(stack.sim.state, 'off')

  await page.goto(`${base}/admin/servers/${SERVER}`)
  const shutdown = await cells(page, page.locator('tr[data-shutdown-id]'))
  assert.match(shutdown[1]!, /\(alice\)/, shutdown.join(' | '))
  assert.equal(shutdown[4], 'off')
  await page.goto(`${base}/admin/events`)
  const loggedOff = await cells(page, page.locator('#hall-events tbody tr', { has: page.locator('code', { hasText: /^admin-shutdown$/ }) }))
  assert.match(loggedOff[4]!, new RegExp(`^alice asked for a shutdown of ${SERVER}: started`))
  assert.equal(loggedOff[5], 'alice')
  const stoppedMs = performance.now()

  // the README's screenshots, from this state: woken and shut down once
  const keep = process.env.HALL_SCREENSHOTS_DIR
  const dir = keep !== undefined && keep !== '' ? resolve(keep) : await mkdtemp(join(tmpdir(), 'hall-screenshots-'))
  if (keep === undefined || keep === '') t.after(() => rm(dir, { recursive: true, force: true }))
  await mkdir(dir, { recursive: true })
  const files = await takeScreenshots(rig, page, dir)
  assert.equal(files.length, 9)
  const shotMs = performance.now()

  const session = (await page.context().cookies()).find(c => c.name.endsWith('hall_session'))
  assert.ok(session !== undefined && session.httpOnly && session.sameSite === 'Strict', `the session cookie: ${JSON.stringify(session)}`)

  // log out; the back button then shows the login form, never the dashboard (no-store)
  await page.goto(`${base}/admin/`)
  const overview = await page.reload()
  assert.equal(overview?.headers()['cache-control'], 'no-store')
  await page.locator('.admin-account button[type="submit"]').click()
  await page.waitForURL(`${base}/admin/login`)
  const back = await page.goBack()
  // the browser asked for the overview again (no copy kept) and Hall sent it to the login form
  assert.equal(back?.request().redirectedFrom()?.url(), `${base}/admin/`, 'the back button asked for the overview again')
  assert.equal(new URL(page.url()).pathname, '/admin/login', `back after logout: ${page.url()}`)
  assert.equal(await page.locator('article.server-card').count(), 0, 'no server card')
  assert.equal(await page.locator('#hall-password').count(), 1, 'the login form')
  assert.deepEqual(stack.eventMessages('logout'), ['alice logged out'])

  assert.deepEqual(problems, [], 'no script error and no CSP refusal in any page')
  // Hall's own log of the whole run names neither the password nor the session
  assert.match(stack.hall.logs(), /"method":"POST","path":"\/admin\/login"/, 'the log covers the requests that carried them')
  const sessionId = session.value.slice(0, session.value.lastIndexOf('.'))
  for (const secret of [PASSWORDS.alice!, PASSWORDS.victor!, session.value, sessionId]) {
    assert.ok(secret.length >= 12 && !stack.hall.logs().includes(secret), 'a secret in Hall\'s log')
  }
  const ms = (a: number, b: number): number => Math.round(b - a)
  t.diagnostic(`stack ${ms(startedMs, ready)} ms, sign-in and wake ${ms(ready, wokenMs)} ms, pages and shutdown ${ms(wokenMs, stoppedMs)} ms, screenshots ${ms(stoppedMs, shotMs)} ms, logout ${ms(shotMs, performance.now())} ms`)
})
