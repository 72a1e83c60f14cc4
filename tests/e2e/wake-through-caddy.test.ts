import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { request } from 'undici'
import { messages } from '../../service/src/http/i18n.js'
import { caddyAvailable, startCaddy } from '../helpers/caddy.js'
import { chromiumAvailable, launchChromium } from '../helpers/chromium.js'
import { assertTimelineOrdered, DOMAIN, SIM_NAME, startStack, waitFor } from './support.js'
import { skipUnless } from '../helpers/missing-tool.js'

// The product's story through a real proxy: Caddy asks Hall (forward_auth) about every request
// and only sends it upstream on a 200, as Traefik's forwardAuth does.

const skip = skipUnless({ caddy: caddyAvailable(), chromium: chromiumAvailable() })

// any line the page shows while it waits, whichever step of the boot it is read at
const waitingTexts = (['checking', 'asleep', 'waking', 'booting', 'starting-app'] as const).map(a => messages.en.activity[a])

test('a browser on a sleeping domain waits on Hall\'s page and comes back to its page once the server runs', { skip, timeout: 30_000 }, async (t) => {
  const stack = await startStack(t, { aliveAfterMs: 1000, readyAfterMs: 2500 })
  const caddy = await startCaddy({ authUrl: stack.hall.url, upstream: `http://127.0.0.1:${stack.sim.httpPort}` })
  t.after(() => caddy.stop())
  const browser = await launchChromium()
  t.after(() => browser.close())
  const page = await browser.newPage()
  const visited: string[] = []
  page.on('framenavigated', frame => { if (frame === page.mainFrame()) visited.push(frame.url()) })

  const target = `http://app.hall.test:${caddy.port}/some/page?x=1`
  const started = performance.now()
  const waiting = await page.goto(target, { waitUntil: 'domcontentloaded' })

  // the proxy answered with Hall's 302; the browser followed it to the waiting page
  assert.ok(waiting !== null)
  assert.equal(waiting.status(), 200)
  const hop = waiting.request().redirectedFrom()
  assert.equal(hop?.url(), target)
  assert.equal((await hop?.response())?.status(), 302)
  const waitingUrl = new URL(waiting.url())
  assert.equal(waitingUrl.origin, stack.hall.url)
  assert.equal(waitingUrl.pathname, `/waiting/${DOMAIN}`)
  assert.equal(waitingUrl.searchParams.get('to'), target)
  // the server takes 2.5 s to be ready, so the page is still waiting when it is read here
  const stateText = (await page.locator('#hall-state').textContent())?.trim() ?? ''
  assert.ok(waitingTexts.includes(stateText), `waiting page state text: ${JSON.stringify(stateText)}`)
  assert.equal(await page.locator('#hall-waiting').getAttribute('data-to'), target)

  // no click: the page's own polling brings the browser back, to the very URL it asked for
  await page.waitForURL(url => url.href === target, { timeout: 15_000 })
  await page.locator('h1', { hasText: `Hello from ${SIM_NAME}` }).waitFor({ timeout: 5000 })
  const elapsedMs = performance.now() - started
  assert.ok(elapsedMs < 15_000, `back on the page after ${Math.round(elapsedMs)} ms`)
  assert.equal(await page.locator('code').textContent(), '/some/page?x=1') // the sim echoes the path it served
  assert.deepEqual(visited.filter(u => !u.startsWith('about:')), [waiting.url(), target])

  const status = await stack.status()
  assert.equal(status.state, 'RUNNING')
  const wake = status.last_wake
  assert.ok(wake !== null)
  assert.equal(wake.id, 1)
  assert.equal(wake.trigger, 'request')
  assert.equal(wake.method, 'udp')
  assert.equal(wake.outcome, 'running')
  assert.equal(wake.error, null)
  assert.equal(wake.packets_sent, 3)
  assert.equal(assertTimelineOrdered(wake), null)
  assert.equal(stack.wakeRows(), 1, 'one browser visit (and its favicon and polls) records exactly one wake')
  // one wake = 3 magic packets 100 ms apart; the sim counts every packet for its MAC
  await waitFor(() => stack.sim.wakeCount >= 3, 2000, () => `sim saw ${stack.sim.wakeCount} magic packet(s)`)
  assert.equal(stack.sim.wakeCount, 3)
  assert.equal(stack.sim.state, 'up')

  // now awake: the proxy sends requests straight upstream
  const res = await request(`${caddy.url}/plain?y=2`, { headers: { host: DOMAIN, accept: 'text/html' } })
  assert.equal(res.statusCode, 200)
  assert.match(await res.body.text(), new RegExp(`Hello from ${SIM_NAME}.*/plain\\?y=2`, 's'))
  assert.equal(stack.sim.wakeCount, 3)
  assert.equal(stack.wakeRows(), 1)
})

test('through the proxy, API clients and websockets on a sleeping domain get 503 + Retry-After, never a redirect; an unknown host gets 404', { skip, timeout: 30_000 }, async (t) => {
  // slow to boot, so the server is still asleep or waking for every request below
  const stack = await startStack(t, { aliveAfterMs: 60_000, readyAfterMs: 60_000 })
  const caddy = await startCaddy({ authUrl: stack.hall.url, upstream: `http://127.0.0.1:${stack.sim.httpPort}` })
  t.after(() => caddy.stop())

  const api = await request(`${caddy.url}/api/items?page=2`, { headers: { host: DOMAIN, accept: 'application/json' } })
  assert.equal(api.statusCode, 503)
  assert.equal(api.headers['retry-after'], '5')
  assert.equal(api.headers.location, undefined)
  assert.match(String(api.headers['content-type']), /^application\/json/)
  const body = await api.body.json() as Record<string, unknown>
  assert.deepEqual(Object.keys(body).sort(), ['domain', 'retry_after_seconds', 'state'])
  assert.equal(body.domain, DOMAIN)
  assert.equal(body.retry_after_seconds, 5)
  assert.ok(body.state === 'OFFLINE' || body.state === 'WAKING', `state ${String(body.state)}`)

  // a websocket handshake accepts anything and may even say text/html: still no 302
  const ws = await request(`${caddy.url}/socket`, {
    headers: { host: DOMAIN, accept: 'text/html', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' }
  })
  assert.equal(ws.statusCode, 503)
  assert.equal(ws.headers.location, undefined)
  assert.ok(Number(ws.headers['retry-after']) > 0)
  await ws.body.dump()

  // a real Upgrade request: Caddy passes Upgrade/Connection to forward_auth as well
  const upgrade = await upgradeThrough(caddy.port, '/socket')
  assert.equal(upgrade.statusCode, 503)
  assert.equal(upgrade.location, undefined)

  // Hall never passes an unknown host through, whatever the client accepts
  for (const accept of ['text/html', 'application/json']) {
    const unknown = await request(`${caddy.url}/`, { headers: { host: 'other.hall.test', accept } })
    assert.equal(unknown.statusCode, 404, accept)
    assert.equal(unknown.headers.location, undefined)
    assert.equal((await unknown.body.json() as { error: string }).error, 'HALL_ERR_DOMAIN_UNKNOWN')
  }

  // by default only a browser navigation may wake a server: none of the requests above sent a packet
  assert.equal(stack.sim.wakeCount, 0)
  assert.equal(stack.wakeRows(), 0)
  const page = await request(`${caddy.url}/`, { headers: { host: DOMAIN, accept: 'text/html' } })
  assert.equal(page.statusCode, 302)
  await page.body.dump()
  await waitFor(() => stack.sim.wakeCount >= 3, 5000, () => `sim saw ${stack.sim.wakeCount} magic packet(s)`)
  const status = await stack.status()
  assert.equal(status.state, 'WAKING')
  assert.equal(status.last_wake?.trigger, 'request')
  assert.equal(status.last_wake?.outcome, 'pending')
  assert.equal(stack.wakeRows(), 1)
  assert.equal(stack.sim.wakeCount, 3)
  // the refused ones are in the event log, summed per reason rather than one row per request
  await waitFor(() => stack.eventMessages('wake-refused').length > 0, 5000, () => 'no wake-refused event')
  const refused = stack.eventMessages('wake-refused')
  assert.equal(refused.length, 1)
  assert.match(refused[0]!, /^3 request\(s\) for app\.hall\.test did not wake it: not-a-browser-navigation$/)
})

/** A websocket handshake through the proxy; resolves with the answer if it is not a 101. */
async function upgradeThrough (port: number, path: string): Promise<{ statusCode: number, location: string | undefined }> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        host: DOMAIN,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13'
      },
      signal: AbortSignal.timeout(5000)
    })
    req.once('upgrade', (res, socket) => {
      socket.destroy()
      reject(new Error(`the proxy upgraded the connection (${res.statusCode ?? '?'})`))
    })
    req.once('response', res => {
      res.resume()
      res.once('end', () => resolve({ statusCode: res.statusCode ?? 0, location: res.headers.location }))
    })
    req.once('error', reject)
    req.end()
  })
}
