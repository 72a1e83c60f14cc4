import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { IncomingHttpHeaders } from 'node:http'
import { request } from 'undici'
import { caddyAvailable, startCaddy } from '../../helpers/caddy.js'
import { missingTool } from '../../helpers/missing-tool.js'
import { serveOnLoopback } from '../../helpers/loopback-server.js'

// Proves the e2e proxy harness with two tiny node servers standing in for Hall and the upstream.

const skip = !caddyAvailable() && missingTool('caddy')

test('forward_auth: a 200 lets the request through to the upstream with copied headers; a 302 reaches the client', { skip }, async (t) => {
  const authSeen: IncomingHttpHeaders[] = []
  const authUrl = await serveOnLoopback(t, (req, res) => {
    authSeen.push(req.headers)
    if (String(req.headers['x-forwarded-uri']).startsWith('/asleep')) {
      res.writeHead(302, { location: 'http://hall.test/waiting/app.hall.test?to=x' }).end()
      return
    }
    res.writeHead(200, { 'x-hall-user': 'alice' }).end()
  })
  const upstream = await serveOnLoopback(t, (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ url: req.url, user: req.headers['x-hall-user'] ?? null }))
  })
  const caddy = await startCaddy({ authUrl, upstream, copyHeaders: ['X-Hall-User'] })
  t.after(() => caddy.stop())
  assert.equal(caddy.url, `http://127.0.0.1:${caddy.port}`)

  // undici's request (unlike fetch) sends our Host header, as a browser at app.hall.test would
  const ok = await request(`${caddy.url}/page?x=1`, { headers: { host: 'app.hall.test', 'x-hall-user': 'mallory' } })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(await ok.body.json(), { url: '/page?x=1', user: 'alice' }) // spoofed header overwritten
  const first = authSeen[0]
  assert.ok(first !== undefined)
  assert.equal(first['x-forwarded-host'], 'app.hall.test')
  assert.equal(first['x-forwarded-uri'], '/page?x=1')
  assert.equal(first['x-forwarded-method'], 'GET')

  const asleep = await request(`${caddy.url}/asleep`, { headers: { host: 'app.hall.test' } })
  await asleep.body.dump()
  assert.equal(asleep.statusCode, 302)
  assert.equal(asleep.headers.location, 'http://hall.test/waiting/app.hall.test?to=x')
})

test('stop() frees the port', { skip }, async (t) => {
  const authUrl = await serveOnLoopback(t, (_req, res) => { res.writeHead(200).end() })
  const upstream = await serveOnLoopback(t, (_req, res) => { res.end('up') })
  const caddy = await startCaddy({ authUrl, upstream })
  t.after(() => caddy.stop()) // a second stop() is harmless; this one covers a failed assertion
  assert.equal(await (await fetch(caddy.url)).text(), 'up')
  await caddy.stop()
  await assert.rejects(fetch(caddy.url))
})
