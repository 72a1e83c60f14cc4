import assert from 'node:assert/strict'
import { once } from 'node:events'
import { connect } from 'node:net'
import { test, type TestContext } from 'node:test'
import { request } from 'undici'
import { createForwardAuthHandler, type ForwardAuthHandler, type ForwardAuthOptions } from '../../../service/src/http/forward-auth/handler.js'
import { createProxyTrust } from '../../../service/src/http/trusted-proxies.js'
import type { Fleet } from '../../../service/src/lifecycle/fleet.js'
import { DOMAIN, PUBLIC_URL, startAsleep, until } from '../../helpers/hall-in-process.js'
import { serveOnLoopback } from '../../helpers/loopback-server.js'

const browser = { 'x-forwarded-host': `${DOMAIN}:8443`, 'x-forwarded-uri': '/report?id=7', 'x-forwarded-proto': 'https', accept: 'text/html,application/xhtml+xml' }

test('200 concurrent requests for a sleeping server: every browser gets the waiting page, one wake is sent', async (t) => {
  const { hall, packets } = await startAsleep(t)
  const answers = await Promise.all(Array.from({ length: 200 }, async () => {
    const res = await request(`${hall.url}/forward-auth`, { headers: browser })
    await res.body.dump()
    return { status: res.statusCode, location: res.headers.location }
  }))
  assert.ok(answers.every(a => a.status === 302))
  assert.equal(answers[0]!.location, `${PUBLIC_URL}/waiting/${DOMAIN}?to=${encodeURIComponent(`https://${DOMAIN}:8443/report?id=7`)}`)
  // once the wake is recorded as sent, every queued request has been through the supervisor
  await until(() => (hall.store.wakes.latest('lab')?.sentAt ?? null) !== null)
  await packets.waitFor(3, 2000)
  assert.equal(packets.packets.length, 3, 'one wake = 3 copies of one magic packet')
  assert.ok(packets.packets.every(p => p.mac === '02:00:00:00:00:2a'))
  const wakes = hall.store.wakes.recent('lab', 10)
  assert.equal(wakes.length, 1, 'one wake record')
  assert.equal(wakes[0]!.trigger, 'request')
  assert.equal(wakes[0]!.packetsSent, 3)
})

test('non-browser clients and websockets get 503 with Retry-After, never a redirect', async (t) => {
  const { hall } = await startAsleep(t)
  const cases = [
    { name: 'JSON API call', headers: { 'x-forwarded-host': DOMAIN, accept: 'application/json' } },
    { name: 'POST form', headers: { 'x-forwarded-host': DOMAIN, 'x-forwarded-method': 'POST', accept: 'text/html' } },
    { name: 'websocket', headers: { 'x-forwarded-host': DOMAIN, accept: 'text/html', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } }
  ]
  for (const c of cases) {
    const res = await request(`${hall.url}/forward-auth`, { headers: c.headers })
    assert.equal(res.statusCode, 503, c.name)
    assert.equal(res.headers['retry-after'], '5', c.name)
    const body = await res.body.json() as { domain: string, state: string, retry_after_seconds: number }
    assert.equal(body.domain, DOMAIN, c.name)
    assert.match(body.state, /^(OFFLINE|WAKING)$/, c.name)
  }
})

test('unknown or missing host is a 404, never a pass-through', async (t) => {
  const { hall } = await startAsleep(t)
  const unknown = await request(`${hall.url}/forward-auth`, { headers: { 'x-forwarded-host': 'other.hall.test', accept: 'text/html' } })
  assert.equal(unknown.statusCode, 404)
  assert.equal((await unknown.body.json() as { error: string }).error, 'HALL_ERR_DOMAIN_UNKNOWN')
  const missing = await request(`${hall.url}/forward-auth`, { headers: { host: DOMAIN, accept: 'text/html' } })
  assert.equal(missing.statusCode, 404, 'the Host header is never trusted as the target')
  assert.equal((await missing.body.json() as { error: string }).error, 'HALL_ERR_FORWARDED_HOST_MISSING')
})

test('host matching ignores case and port', async (t) => {
  const { hall } = await startAsleep(t)
  const res = await request(`${hall.url}/forward-auth`, { headers: { 'x-forwarded-host': 'APP.Hall.Test:8443', accept: 'application/json' } })
  await res.body.dump()
  assert.equal(res.statusCode, 503)
})

test('the waiting page never echoes or follows a foreign return URL', async (t) => {
  const { hall } = await startAsleep(t)
  const hostile = 'https://evil.example/"><script>alert(1)</script>'
  const res = await request(`${hall.url}/waiting/${DOMAIN}?to=${encodeURIComponent(hostile)}`)
  const html = await res.body.text()
  assert.equal(res.statusCode, 200)
  assert.ok(!html.includes('evil.example'), 'rejected value is not in the page')
  assert.match(html, new RegExp(`data-to="https://${DOMAIN.replace(/\./g, '\\.')}/"`))
  const unknown = await request(`${hall.url}/waiting/nope.hall.test`)
  assert.equal(unknown.statusCode, 404)
  await unknown.body.dump()
})

test('odd and hostile forwarded headers get a sane answer, and Hall keeps serving', async (t) => {
  const { hall } = await startAsleep(t)
  const { port } = new URL(hall.url)
  const odd = [
    `X-Forwarded-Host: ${DOMAIN}\r\nX-Forwarded-Host: evil.test\r\nAccept: text/html`,
    `X-Forwarded-Host: ${DOMAIN}, evil.test\r\nX-Forwarded-Proto: gopher\r\nAccept: text/html`,
    `X-Forwarded-Host: ${DOMAIN}\r\nX-Forwarded-Uri: //evil.test/\r\nAccept: text/html`,
    `X-Forwarded-Host: ${DOMAIN}\r\nX-Forwarded-Uri: /${'a'.repeat(8000)}\r\nAccept: text/html`,
    `X-Forwarded-Host: ${DOMAIN}\r\nX-Forwarded-Uri: /caf\xe9?q=\xff\r\nAccept: text/html`,
    'X-Forwarded-Host: \xe9vil.test\r\nAccept: text/html',
    `X-Forwarded-Host: ${DOMAIN}:99999999\r\nAccept: text/html`,
    'X-Forwarded-Host: \r\nAccept: text/html'
  ]
  for (const headers of odd) {
    const answer = await rawGet(Number(port), `GET /forward-auth HTTP/1.1\r\nHost: hall\r\n${headers}\r\nConnection: close\r\n\r\n`)
    const status = Number(answer.slice(9, 12))
    assert.ok([302, 404, 503].includes(status), `${JSON.stringify(headers.slice(0, 60))} -> ${answer.slice(0, 40)}`)
    const location = /\r\nlocation: (\S+)/i.exec(answer)?.[1]
    if (location !== undefined) assert.ok(location.startsWith(`${PUBLIC_URL}/waiting/${DOMAIN}?to=`), location)
  }
  const alive = await request(`${hall.url}/healthz`)
  assert.equal(alive.statusCode, 200)
  await alive.body.dump()
})

/** A request written byte for byte, as a proxy would never send it but an attacker might. */
async function rawGet (port: number, text: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.from(text, 'latin1')))
    let data = ''
    socket.setEncoding('latin1')
    socket.on('data', chunk => { data += chunk })
    socket.on('end', () => resolve(data))
    socket.on('error', reject)
  })
}

test('a trailing-dot host, a bad port or raw UTF-8 in the path: the waiting page still sends the user back to their page', async (t) => {
  const { hall } = await startAsleep(t)
  const port = Number(new URL(hall.url).port)
  const utf8Path = Buffer.from('/café/rapport', 'utf8').toString('latin1') // written on the wire as UTF-8 bytes
  const cases = [
    { host: `${DOMAIN}.:8443`, uri: '/report', to: `https://${DOMAIN}:8443/report` },
    { host: `${DOMAIN}:99999`, uri: '/report', to: `https://${DOMAIN}/report` },
    { host: DOMAIN, uri: utf8Path, to: `https://${DOMAIN}/caf%C3%A9/rapport` }
  ]
  for (const c of cases) {
    const answer = await rawGet(port, `GET /forward-auth HTTP/1.1\r\nHost: hall\r\nX-Forwarded-Host: ${c.host}\r\nX-Forwarded-Uri: ${c.uri}\r\nAccept: text/html\r\nConnection: close\r\n\r\n`)
    assert.equal(answer.slice(9, 12), '302', c.host)
    const location = new URL(/\r\nlocation: (\S+)/i.exec(answer)![1]!)
    assert.equal(location.searchParams.get('to'), c.to)
    const page = await request(`${hall.url}${location.pathname}${location.search}`)
    const html = await page.body.text()
    assert.equal(page.statusCode, 200)
    assert.ok(html.includes(`data-to="${c.to}"`), `${c.host} ${c.uri}: the page keeps ${c.to}, not the domain's root`)
  }
})

test('the status API shows the last probe check by check, so a stuck wake can be diagnosed', async (t) => {
  const { hall } = await startAsleep(t)
  const res = await request(`${hall.url}/api/status/${DOMAIN}`)
  const status = await res.body.json() as { state: string, last_probe: { alive: boolean, ready: boolean, checks: Array<{ type: string, ok: boolean, reason: string | null }> } }
  assert.equal(status.state, 'OFFLINE')
  assert.equal(status.last_probe.ready, false)
  assert.deepEqual(status.last_probe.checks.map(c => [c.type, c.ok, c.reason]), [['http', false, 'refused']])
})

/** The forward-auth handler alone on a loopback server: the states below are hard to reach through a whole Hall. */
async function serveForwardAuth (t: TestContext, fleet: Fleet, log: ForwardAuthOptions['log'] = { error () {} }): Promise<{ url: string, handler: ForwardAuthHandler }> {
  const handler = createForwardAuthHandler(fleet, { publicUrl: PUBLIC_URL, proxies: createProxyTrust([{ address: '127.0.0.1', prefix: 32, family: 'ipv4' }]), log })
  const url = await serveOnLoopback(t, (req, res) => { if (!handler(req, res)) res.writeHead(418).end() })
  return { url, handler }
}

test('while Hall stops, forward-auth answers 503 HALL_ERR_SHUTTING_DOWN with Retry-After, closes the connection and wakes nothing', async (t) => {
  const { hall, packets } = await startAsleep(t)
  // a connection already sending its request when close() begins: Hall still reads it, and answers
  const socket = connect(Number(new URL(hall.url).port), '127.0.0.1')
  t.after(() => { socket.destroy() })
  await once(socket, 'connect')
  socket.write(`GET /forward-auth HTTP/1.1\r\nHost: hall\r\nX-Forwarded-Host: ${DOMAIN}\r\nX-Forwarded-Uri: /report\r\nAccept: text/html\r\n`)
  let text = ''
  socket.setEncoding('latin1').on('data', (s: string) => { text += s })
  const ended = once(socket, 'end')
  const closed = hall.close()
  await until(() => !hall.app.server.listening)
  socket.write('\r\n')
  await ended
  await closed
  const [head, body] = text.split('\r\n\r\n')
  assert.match(head!, /^HTTP\/1\.1 503 /)
  assert.match(head!, /\r\nretry-after: 1\r\n/i)
  assert.match(head!, /\r\nconnection: close\r\n/i, 'the proxy retries on a new connection, to a Hall that is up')
  assert.equal(body, '{"error":"HALL_ERR_SHUTTING_DOWN","message":"Hall is shutting down"}')
  assert.equal(packets.packets.length, 0, 'nothing woken')
})

test('a bug inside forward-auth costs one 500 that says only "internal error"; the error goes to the log', async (t) => {
  const logged: unknown[] = []
  const broken = { lookup () { throw new Error('lookup failed reading /run/secrets/hall_ssh_key') } } as unknown as Fleet
  const { url } = await serveForwardAuth(t, broken, { error: (obj: object) => { logged.push(obj) } })
  for (const path of ['/forward-auth', '/forward-auth/nginx']) {
    const res = await request(`${url}${path}`, { headers: browser })
    assert.equal(res.statusCode, 500, path)
    assert.equal(await res.body.text(), '{"error":"HALL_ERR_INTERNAL","message":"internal error"}', path)
  }
  assert.equal(logged.length, 2)
})
