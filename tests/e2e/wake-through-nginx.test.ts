import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request } from 'undici'
import { messages } from '../../service/src/http/i18n.js'
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js'
import { skipUnless } from '../helpers/missing-tool.js'
import { nginxAvailable, startNginx } from '../helpers/nginx.js'
import { DOMAIN, SIM_NAME, startStack, waitFor } from './support.js'

// The product's story through nginx, running the shipped deploy/nginx/hall.conf: auth_request
// asks Hall's /forward-auth/nginx, whose 401 + Location the config turns into the redirect to
// the waiting page (nginx accepts only 2xx, 401 and 403 from an auth server).

const skip = skipUnless({ nginx: nginxAvailable(), chromium: chromiumAvailable() })

const PUBLIC_HOST = 'hall.hall.test'
// any line the page shows while it waits, whichever step of the boot it is read at
const waitingTexts = (['checking', 'asleep', 'waking', 'booting', 'starting-app'] as const).map(a => messages.en.activity[a])

test('through nginx, a browser on a sleeping domain waits on Hall\'s page and comes back to its page once the server runs', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 1000, readyAfterMs: 2500 })
  const nginx = await startNginx({ hallUrl: stack.hall.url, upstream: `http://127.0.0.1:${stack.sim.httpPort}`, domain: DOMAIN, publicHost: PUBLIC_HOST })
  t.after(() => nginx.stop())
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage()

  const target = `http://${DOMAIN}:${nginx.port}/some/page?x=1`
  const waiting = await page.goto(target, { waitUntil: 'domcontentloaded' })

  // Hall said 401 + Location; nginx turned it into the 302 the browser followed
  assert.ok(waiting !== null)
  assert.equal(waiting.status(), 200)
  const hop = waiting.request().redirectedFrom()
  assert.equal(hop?.url(), target)
  assert.equal((await hop?.response())?.status(), 302, nginx.logs())
  const waitingUrl = new URL(waiting.url())
  assert.equal(waitingUrl.origin, stack.hall.url)
  assert.equal(waitingUrl.pathname, `/waiting/${DOMAIN}`)
  assert.equal(waitingUrl.searchParams.get('to'), target, 'the return URL keeps the port the browser used')
  const stateText = (await page.locator('#hall-state').textContent())?.trim() ?? ''
  assert.ok(waitingTexts.includes(stateText), `waiting page state text: ${JSON.stringify(stateText)}`)

  // the page's own polling brings the browser back, through nginx, to the very URL it asked for
  await page.waitForURL(url => url.href === target, { timeout: 15_000 })
  await page.locator('h1', { hasText: `Hello from ${SIM_NAME}` }).waitFor({ timeout: 5000 })
  assert.equal(await page.locator('code').textContent(), '/some/page?x=1')

  const status = await stack.status()
  assert.equal(status.state, 'RUNNING')
  assert.equal(status.last_wake?.trigger, 'request')
  assert.equal(status.last_wake?.outcome, 'running')
  assert.equal(stack.wakeRows(), 1, 'one browser visit through nginx records exactly one wake')

  // awake: nginx sends requests straight upstream
  const res = await request(`${nginx.url}/plain?y=2`, { headers: { host: DOMAIN, accept: 'text/html' } })
  assert.equal(res.statusCode, 200)
  assert.match(await res.body.text(), new RegExp(`Hello from ${SIM_NAME}.*/plain\\?y=2`, 's'))
  assert.equal(stack.wakeRows(), 1)
})

test('through nginx, Hall\'s 401 is a 302 for a browser, its 503 a 503 + Retry-After for an API client, an unknown host a 403', { skip, timeout: 30_000 }, async (t) => {
  // slow to boot, so the server is still asleep or waking for every request below
  const stack = await startStack(t, { aliveAfterMs: 60_000, readyAfterMs: 60_000 })
  const nginx = await startNginx({ hallUrl: stack.hall.url, upstream: `http://127.0.0.1:${stack.sim.httpPort}`, domain: DOMAIN, publicHost: PUBLIC_HOST })
  t.after(() => nginx.stop())

  // what the browser gets from nginx, without following it (curl -sI)
  const visit = await request(`${nginx.url}/report?id=7`, { headers: { host: DOMAIN, accept: 'text/html,application/xhtml+xml' } })
  await visit.body.dump()
  assert.equal(visit.statusCode, 302, nginx.logs())
  const location = new URL(String(visit.headers.location))
  assert.equal(`${location.origin}${location.pathname}`, `${stack.hall.url}/waiting/${DOMAIN}`)
  assert.equal(location.searchParams.get('to'), `http://${DOMAIN}/report?id=7`)

  const api = await request(`${nginx.url}/api/items`, { headers: { host: DOMAIN, accept: 'application/json' } })
  assert.equal(api.statusCode, 503)
  assert.equal(api.headers['retry-after'], '5')
  assert.equal(api.headers.location, undefined)
  assert.deepEqual(await api.body.json(), { retry_after_seconds: 5 })

  // a websocket handshake cannot follow a redirect, even when it says it accepts HTML
  const ws = await request(`${nginx.url}/socket`, {
    headers: { host: DOMAIN, accept: 'text/html', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' }
  })
  await ws.body.dump()
  assert.equal(ws.statusCode, 503)
  assert.equal(ws.headers.location, undefined)

  for (const accept of ['text/html', 'application/json']) {
    const unknown = await request(`${nginx.url}/`, { headers: { host: 'other.hall.test', accept } })
    await unknown.body.dump()
    assert.equal(unknown.statusCode, 403, accept)
    assert.equal(unknown.headers.location, undefined)
  }

  // the visit woke the server; the others joined that wake (single-flight)
  await waitFor(() => stack.sim.wakeCount >= 3, 5000, () => `sim saw ${stack.sim.wakeCount} magic packet(s)`)
  const status = await stack.status()
  assert.equal(status.state, 'WAKING')
  assert.equal(stack.wakeRows(), 1)
  assert.equal(stack.sim.wakeCount, 3)

  // Hall's own pages through nginx's server for HALL_PUBLIC_URL's host; forward-auth is not among them
  const own = await request(`${nginx.url}/api/status/${DOMAIN}`, { headers: { host: PUBLIC_HOST } })
  assert.equal(own.statusCode, 200)
  assert.equal((await own.body.json() as { state: string }).state, 'WAKING')
  const hidden = await request(`${nginx.url}/forward-auth`, { headers: { host: PUBLIC_HOST, 'x-forwarded-host': DOMAIN } })
  await hidden.body.dump()
  assert.equal(hidden.statusCode, 404)
})
