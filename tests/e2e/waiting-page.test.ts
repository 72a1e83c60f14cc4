import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js'
import { DOMAIN, startStack } from './support.js'
import { missingTool } from '../helpers/missing-tool.js'

// Chromium straight on Hall's waiting page (no proxy): what the page does with its `to`,
// without JavaScript, and that it renders at all.

const skip = !chromiumAvailable() && missingTool('chromium')

const waitingUrl = (hallUrl: string, to: string): string => `${hallUrl}/waiting/${DOMAIN}?to=${encodeURIComponent(to)}`

test('a `to` on another host is never echoed nor followed: the page goes to https://<domain>/ once the server runs', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 500, readyAfterMs: 1500 })
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage()
  const requested: string[] = []
  page.on('request', r => requested.push(r.url()))
  // nothing listens on https://app.hall.test: answer the fallback here, and refuse evil.test
  await page.route(/^https?:\/\/([^/]*\.)?evil\.test/, route => route.abort())
  await page.route(`https://${DOMAIN}/`, route => route.fulfill({ status: 200, contentType: 'text/html', body: '<h1 id="arrived">fallback</h1>' }))

  // the same rule for the other shapes of an open redirect (plain HTTP, no browser needed)
  for (const to of ['//evil.test/', 'https:evil.test', `https://${DOMAIN}@evil.test/`, `https://${DOMAIN}.evil.test/`, 'javascript:alert(1)//evil.test']) {
    const plain = await request(waitingUrl(stack.hall.url, to))
    const text = await plain.body.text()
    assert.equal(plain.statusCode, 200, to)
    assert.doesNotMatch(text, /evil|javascript:/i, to)
    assert.ok(text.includes(`data-to="https://${DOMAIN}/"`), to)
  }

  const evil = 'https://evil.test/'
  const res = await page.goto(waitingUrl(stack.hall.url, evil), { waitUntil: 'domcontentloaded' })
  assert.equal(res?.status(), 200)
  const html = await res.text()
  assert.doesNotMatch(html, /evil/i, 'the rejected target appears nowhere in the page')
  assert.equal(await page.locator('#hall-waiting').getAttribute('data-to'), `https://${DOMAIN}/`)
  assert.equal(await page.locator('#hall-continue a').getAttribute('href'), `https://${DOMAIN}/`)
  assert.equal(await page.locator('#hall-waiting').getAttribute('data-state'), 'OFFLINE') // nothing woke it yet

  // a request through the proxy (here: straight to forward-auth) starts the wake the page waits for
  const auth = await request(`${stack.hall.url}/forward-auth`, {
    headers: { 'x-forwarded-host': DOMAIN, 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', accept: 'application/json' }
  })
  assert.equal(auth.statusCode, 503)
  await auth.body.dump()

  await page.waitForURL(`https://${DOMAIN}/`, { timeout: 15_000 })
  assert.equal(await page.locator('#arrived').textContent(), 'fallback')
  assert.deepEqual(requested.filter(u => /evil/i.test(new URL(u).hostname)), [])
  assert.equal((await stack.status()).state, 'RUNNING')
})

test('without JavaScript the waiting page refreshes itself through a <noscript> meta refresh', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 60_000, readyAfterMs: 60_000 })
  const browser = await launchChromium()
  t.after(() => browser.close())
  const context = await browser.newContext({ javaScriptEnabled: false })
  t.after(() => context.close())
  const page = await context.newPage()

  const to = `https://${DOMAIN}/report?id=7`
  await page.goto(waitingUrl(stack.hall.url, to), { waitUntil: 'domcontentloaded' })
  // with scripting off, <noscript> in <head> is parsed as markup: its meta tag is live
  const refresh = page.locator('noscript meta[http-equiv="refresh"]')
  assert.equal(await refresh.count(), 1)
  assert.equal(await refresh.getAttribute('content'), '5')
  // Playwright's text matching skips <noscript>, so find the note by place, then read it
  const note = page.locator('main noscript p')
  assert.equal(await note.isVisible(), true)
  assert.equal(await note.textContent(), 'This page reloads itself every few seconds.')
  assert.equal(await page.locator('#hall-state').textContent(), 'The server is asleep; a wake has been requested')
  assert.equal(await page.locator('#hall-waiting').getAttribute('data-to'), to)
})

test('a screenshot of the waiting page is not empty', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 60_000, readyAfterMs: 60_000 })
  const dir = await mkdtemp(join(tmpdir(), 'hall-e2e-shot-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } })

  await page.goto(waitingUrl(stack.hall.url, `https://${DOMAIN}/`))
  await page.locator('#hall-state').waitFor({ state: 'visible' })
  const file = join(dir, 'waiting.png')
  await page.screenshot({ path: file, fullPage: true })
  const { size } = await stat(file)
  assert.ok(size > 1000, `screenshot is ${size} bytes`)
})
