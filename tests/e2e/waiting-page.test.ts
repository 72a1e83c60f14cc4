import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { request } from 'undici'
import { messages } from '../../service/src/http/i18n.js'
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js'
import { DOMAIN, startStack, type Stack } from './support.js'
import { missingTool } from '../helpers/missing-tool.js'

// Chromium straight on Hall's waiting page (no proxy): how it follows the server (Server-Sent
// Events, or polling without EventSource), where it goes when the server runs, its language,
// its progress bar as assistive technology sees it, and without JavaScript.

const skip = !chromiumAvailable() && missingTool('chromium')

const waitingUrl = (hallUrl: string, to: string): string => `${hallUrl}/waiting/${DOMAIN}?to=${encodeURIComponent(to)}`

/** What the proxy does for a browser on a sleeping domain: ask forward-auth, which starts the wake. */
async function wakeThroughForwardAuth (stack: Stack): Promise<void> {
  const auth = await request(`${stack.hall.url}/forward-auth`, {
    headers: { 'x-forwarded-host': DOMAIN, 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', accept: 'text/html' }
  })
  await auth.body.dump()
  assert.equal(auth.statusCode, 302)
}

/** The server has not been woken yet; nothing listens on https://app.hall.test: answer `to` here. */
async function landing (page: Page, path: string): Promise<{ arrivedAt: () => number | null }> {
  let arrivedAt: number | null = null
  await page.route(`https://${DOMAIN}${path}`, route => {
    arrivedAt ??= Date.now()
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1 id="arrived">arrived</h1>' })
  })
  return { arrivedAt: () => arrivedAt }
}

/** How long after Hall marked the server RUNNING the browser asked for the original page. */
async function leaveDelayMs (stack: Stack, arrivedAt: number | null): Promise<number> {
  const runningAt = (await stack.status()).last_wake?.running_at ?? null
  assert.ok(arrivedAt !== null && runningAt !== null)
  return arrivedAt - Date.parse(runningAt)
}

async function newContext (t: TestContext, options: Parameters<Awaited<ReturnType<typeof launchChromium>>['newContext']>[0] = {}): Promise<BrowserContext> {
  const browser = await launchChromium()
  t.after(() => browser.close())
  const context = await browser.newContext(options)
  t.after(() => context.close())
  return context
}

test('the page follows the server over Server-Sent Events and returns to the original URL once it runs', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 500, readyAfterMs: 1500 })
  const page = await (await newContext(t)).newPage()
  const requested: string[] = []
  page.on('request', r => requested.push(new URL(r.url()).pathname))
  const to = `https://${DOMAIN}/report?id=7`
  const land = await landing(page, '/report?id=7')

  await page.goto(waitingUrl(stack.hall.url, to), { waitUntil: 'domcontentloaded' })
  await wakeThroughForwardAuth(stack)
  await page.waitForURL(to, { timeout: 15_000 })
  assert.equal(await page.locator('#arrived').textContent(), 'arrived')

  assert.ok(requested.includes(`/api/events/${DOMAIN}`), `requests: ${requested.join(' ')}`)
  assert.ok(!requested.includes(`/api/status/${DOMAIN}`), 'no polling while the stream works')
  t.diagnostic(`over SSE the browser left ${await leaveDelayMs(stack, land.arrivedAt())} ms after the server turned RUNNING`)
})

test('without EventSource the page polls /api/status and still returns once the server runs', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 500, readyAfterMs: 1500 })
  const context = await newContext(t)
  await context.addInitScript(() => { delete (globalThis as { EventSource?: unknown }).EventSource })
  const page = await context.newPage()
  const requested: string[] = []
  page.on('request', r => requested.push(new URL(r.url()).pathname))
  const to = `https://${DOMAIN}/`
  const land = await landing(page, '/')

  await page.goto(waitingUrl(stack.hall.url, to), { waitUntil: 'domcontentloaded' })
  assert.equal(await page.evaluate(() => typeof (globalThis as { EventSource?: unknown }).EventSource), 'undefined')
  await wakeThroughForwardAuth(stack)
  await page.waitForURL(to, { timeout: 15_000 })

  assert.ok(requested.includes(`/api/status/${DOMAIN}`), `requests: ${requested.join(' ')}`)
  assert.ok(!requested.includes(`/api/events/${DOMAIN}`))
  t.diagnostic(`polling, the browser left ${await leaveDelayMs(stack, land.arrivedAt())} ms after the server turned RUNNING`)
})

test('a French browser gets the page in French, including what the script writes', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 60_000, readyAfterMs: 60_000 })
  const page = await (await newContext(t, { locale: 'fr-FR' })).newPage()
  const res = await page.goto(waitingUrl(stack.hall.url, `https://${DOMAIN}/`), { waitUntil: 'domcontentloaded' })
  assert.match(String(await res?.request().headerValue('accept-language')), /^fr-FR/)
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr')
  assert.equal(await page.locator('#hall-state').textContent(), messages.fr.activity.asleep)

  await wakeThroughForwardAuth(stack)
  // the new state arrives over the stream; the script writes it from the page's French strings
  await page.locator('#hall-waiting[data-state="WAKING"]').waitFor({ timeout: 10_000 })
  assert.equal(await page.locator('#hall-state').textContent(), messages.fr.activity.waking)
})

test('with boot history, a labelled progress bar whose values assistive technology reads', { skip, timeout: 45_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 300, readyAfterMs: 3000 })
  // one boot makes history, then the machine goes back to sleep
  await wakeThroughForwardAuth(stack)
  await stack.waitForStatus(s => s.state === 'RUNNING', 15_000, 'first boot')
  await stack.sim.sleep()
  await stack.waitForStatus(s => s.state === 'OFFLINE', 15_000, 'seen asleep again')

  const context = await newContext(t)
  const page = await context.newPage()
  await landing(page, '/')
  await page.goto(waitingUrl(stack.hall.url, `https://${DOMAIN}/`), { waitUntil: 'domcontentloaded' })
  const label = /^Usually ready in ~3 s$/
  await page.getByRole('progressbar', { name: label }).waitFor({ state: 'visible' })

  // what a screen reader is given: the accessibility tree Chromium builds from the page
  const cdp = await context.newCDPSession(page)
  const readBar = async (): Promise<{ name: string, now: number, min: unknown, max: unknown }> => {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree') as { nodes: AxNode[] }
    const bar = nodes.find(n => n.role?.value === 'progressbar')
    assert.ok(bar !== undefined, 'a progressbar in the accessibility tree')
    const prop = (name: string): unknown => bar.properties?.find(p => p.name === name)?.value.value
    return { name: String(bar.name?.value), now: Number(bar.value?.value), min: prop('valuemin'), max: prop('valuemax') }
  }
  const asleep = await readBar()
  assert.match(asleep.name, label)
  assert.equal(asleep.min, 0)
  assert.equal(asleep.max, 100)
  assert.equal(asleep.now, 0, 'nothing under way yet: the bar has not moved')

  await wakeThroughForwardAuth(stack)
  const moving = page.locator('#hall-progress:not([value="0"])')
  await moving.waitFor({ state: 'attached', timeout: 5000 })
  const booting = await readBar()
  assert.ok(booting.now > 0 && booting.now <= 95, `valuenow ${booting.now}: moving, never "done" before the server runs`)
  assert.equal(await page.locator('#hall-state').getAttribute('aria-live'), 'polite')
})

interface AxNode {
  role?: { value?: string }
  name?: { value?: string }
  value?: { value?: unknown }
  properties?: Array<{ name: string, value: { value?: unknown } }>
}

test('reduced motion turns the page\'s animation off', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 60_000, readyAfterMs: 60_000 })
  const animationOf = async (reducedMotion: 'reduce' | 'no-preference'): Promise<string> => {
    const page = await (await newContext(t, { reducedMotion })).newPage()
    await page.goto(waitingUrl(stack.hall.url, `https://${DOMAIN}/`), { waitUntil: 'load' })
    return await page.locator('.pulse').evaluate(e => e.ownerDocument.defaultView?.getComputedStyle(e).animationName ?? '')
  }
  assert.equal(await animationOf('no-preference'), 'hall-pulse')
  assert.equal(await animationOf('reduce'), 'none')
})

test('a `to` on another host is never echoed nor followed: the page goes to https://<domain>/ once the server runs', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 500, readyAfterMs: 1500 })
  const page = await (await newContext(t)).newPage()
  const requested: string[] = []
  page.on('request', r => requested.push(r.url()))
  await page.route(/^https?:\/\/([^/]*\.)?evil\.test/, route => route.abort())
  await landing(page, '/')

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
  assert.equal(await page.locator('#hall-retry').getAttribute('href'), `https://${DOMAIN}/`)
  assert.equal(await page.locator('#hall-waiting').getAttribute('data-state'), 'OFFLINE') // nothing woke it yet

  await wakeThroughForwardAuth(stack)
  await page.waitForURL(`https://${DOMAIN}/`, { timeout: 15_000 })
  assert.equal(await page.locator('#arrived').textContent(), 'arrived')
  assert.deepEqual(requested.filter(u => /evil/i.test(new URL(u).hostname)), [])
  assert.equal((await stack.status()).state, 'RUNNING')
})

test('without JavaScript the waiting page refreshes itself through a <noscript> meta refresh', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 60_000, readyAfterMs: 60_000 })
  const page = await (await newContext(t, { javaScriptEnabled: false })).newPage()

  const to = `https://${DOMAIN}/report?id=7`
  await page.goto(waitingUrl(stack.hall.url, to), { waitUntil: 'domcontentloaded' })
  // with scripting off, <noscript> in <head> is parsed as markup: its meta tag is live
  const refresh = page.locator('noscript meta[http-equiv="refresh"]')
  assert.equal(await refresh.count(), 1)
  // every 5 s through /api/redirect, which goes on to `to` once the server serves
  assert.equal(await refresh.getAttribute('content'), `5; url=/api/redirect/${DOMAIN}?to=${encodeURIComponent(to)}`)
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
  const page = await (await newContext(t, { viewport: { width: 800, height: 600 } })).newPage()

  await page.goto(waitingUrl(stack.hall.url, `https://${DOMAIN}/`))
  await page.locator('#hall-state').waitFor({ state: 'visible' })
  const file = join(dir, 'waiting.png')
  await page.screenshot({ path: file, fullPage: true })
  const { size } = await stat(file)
  assert.ok(size > 1000, `screenshot is ${size} bytes`)
})
