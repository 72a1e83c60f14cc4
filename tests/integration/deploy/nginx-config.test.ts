import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { missingTool } from '../../helpers/missing-tool.js'
import { serveOnLoopback } from '../../helpers/loopback-server.js'
import { nginxAvailable, nginxPath, SHIPPED_NGINX_CONF, startNginx } from '../../helpers/nginx.js'

// The shipped deploy/nginx/hall.conf in a real nginx, with two small node servers standing in
// for Hall and for the LAN server: what nginx does with each answer Hall's /forward-auth/nginx
// can give. (The e2e test runs the same file in front of the real Hall.)

const skip = !nginxAvailable() && missingTool('nginx')
const DOMAIN = 'app.hall.test'
const PUBLIC_HOST = 'hall.hall.test'
const WAITING = `https://${PUBLIC_HOST}/waiting/${DOMAIN}?to=x`

test('the shipped file as written (TLS, HTTP/2, IPv6) passes nginx -t once its certificate exists', { skip }, (t) => {
  const openssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0
  if (!openssl) {
    t.skip(missingTool('openssl'))
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'hall-nginx-t-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const cert = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=hall.audit-io.fr',
    '-keyout', join(dir, 'privkey.pem'), '-out', join(dir, 'fullchain.pem')], { encoding: 'utf8' })
  assert.equal(cert.status, 0, cert.stderr)
  // only the certificate directory changes: every other line is the shipped one
  const site = readFileSync(SHIPPED_NGINX_CONF, 'utf8').replaceAll('/etc/letsencrypt/live/hall.audit-io.fr', dir)
  writeFileSync(join(dir, 'hall.conf'), site)
  writeFileSync(join(dir, 'nginx.conf'), `pid ${join(dir, 'nginx.pid')};
error_log stderr;
events {}
http {
    access_log off;
    include ${join(dir, 'hall.conf')};
}
`)
  const check = spawnSync(nginxPath(), ['-t', '-e', 'stderr', '-p', `${dir}/`, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' })
  assert.equal(check.status, 0, check.stderr)
  assert.match(check.stderr, /syntax is ok/)
})

interface Stand { authSeen: IncomingHttpHeaders[], authMethods: string[], upstreamSeen: IncomingHttpHeaders[] }

/** nginx with the shipped file, in front of a fake Hall that answers `hall(uri)`. */
async function stand (t: { after: (fn: () => Promise<void>) => void }, hall: (uri: string) => { status: number, headers?: Record<string, string>, body?: string }) {
  const seen: Stand = { authSeen: [], authMethods: [], upstreamSeen: [] }
  const hallUrl = await serveOnLoopback(t, (req, res) => {
    if (req.url === '/forward-auth/nginx') {
      seen.authSeen.push(req.headers)
      seen.authMethods.push(req.method ?? '')
      const a = hall(String(req.headers['x-forwarded-uri']))
      res.writeHead(a.status, a.headers).end(a.body ?? '')
      return
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`hall page ${req.url ?? ''}`)
  })
  const upstream = await serveOnLoopback(t, (req, res) => {
    seen.upstreamSeen.push(req.headers)
    if (req.url === '/private') {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="app"' }).end('app says who are you')
      return
    }
    if (req.url === '/broken') {
      res.writeHead(500).end('app failed')
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ url: req.url, host: req.headers.host, server: req.headers['x-hall-server'] ?? null }))
  })
  const nginx = await startNginx({ hallUrl, upstream, domain: DOMAIN, publicHost: PUBLIC_HOST })
  t.after(() => nginx.stop())
  return { nginx, seen, hallUrl }
}

test('Hall\'s 200 lets the request through with Hall\'s X-Hall-Server; the upstream\'s own 401 and 500 reach the client untouched', { skip }, async (t) => {
  const { nginx, seen } = await stand(t, () => ({ status: 200, headers: { 'x-hall-server': 'lab' } }))
  const authority = `${DOMAIN}:${nginx.port}` // as a browser writes Host on a non-default port
  const ok = await request(`${nginx.url}/page?x=1`, { headers: { host: authority, 'x-hall-server': 'forged', 'x-forwarded-host': 'other.test', accept: 'text/html' } })
  assert.equal(ok.statusCode, 200, nginx.logs())
  assert.deepEqual(await ok.body.json(), { url: '/page?x=1', host: DOMAIN, server: 'lab' })

  const auth = seen.authSeen[0]
  assert.ok(auth !== undefined)
  assert.equal(auth['x-forwarded-host'], authority) // the client's own X-Forwarded-Host is replaced
  assert.equal(auth['x-forwarded-uri'], '/page?x=1')
  assert.equal(auth['x-forwarded-method'], 'GET')
  assert.equal(auth['x-forwarded-proto'], 'http')
  assert.equal(auth.accept, 'text/html')

  const denied = await request(`${nginx.url}/private`, { headers: { host: DOMAIN, accept: 'text/html' } })
  assert.equal(denied.statusCode, 401)
  assert.equal(denied.headers.location, undefined)
  assert.equal(denied.headers['www-authenticate'], 'Basic realm="app"')
  assert.equal(await denied.body.text(), 'app says who are you')
  const broken = await request(`${nginx.url}/broken`, { headers: { host: DOMAIN } })
  assert.equal(broken.statusCode, 500)
  assert.equal(await broken.body.text(), 'app failed')
})

test('a POST with a body asks Hall with a GET and no body, and says the real method in X-Forwarded-Method', { skip }, async (t) => {
  const { nginx, seen } = await stand(t, () => ({ status: 200, headers: { 'x-hall-server': 'lab' } }))
  const res = await request(`${nginx.url}/form`, { method: 'POST', headers: { host: DOMAIN, 'content-type': 'text/plain' }, body: 'a=1' })
  assert.equal(res.statusCode, 200)
  await res.body.dump()
  assert.deepEqual(seen.authMethods, ['GET'])
  assert.equal(seen.authSeen[0]?.['x-forwarded-method'], 'POST')
  assert.equal(seen.authSeen[0]?.['content-length'], undefined)
})

test('Hall\'s 401 + Location becomes a 302 to the waiting page; its 403 stays a 403', { skip }, async (t) => {
  const { nginx } = await stand(t, uri => uri.startsWith('/asleep')
    ? { status: 401, headers: { location: WAITING } }
    : { status: 403, body: '{"error":"HALL_ERR_DOMAIN_UNKNOWN"}' })
  const asleep = await request(`${nginx.url}/asleep?q=1`, { headers: { host: DOMAIN, accept: 'text/html' } })
  await asleep.body.dump()
  assert.equal(asleep.statusCode, 302, nginx.logs())
  assert.equal(asleep.headers.location, WAITING)
  assert.equal(asleep.headers['cache-control'], 'no-store')

  const unknown = await request(`${nginx.url}/`, { headers: { host: DOMAIN } })
  await unknown.body.dump()
  assert.equal(unknown.statusCode, 403)
})

test('Hall\'s 503 (nginx would say 500) and an unreachable Hall both reach the client as 503 + Retry-After', { skip }, async (t) => {
  const { nginx } = await stand(t, () => ({ status: 503, headers: { 'retry-after': '7', 'content-type': 'application/json' }, body: '{"state":"WAKING"}' }))
  const api = await request(`${nginx.url}/api/items`, { headers: { host: DOMAIN, accept: 'application/json' } })
  assert.equal(api.statusCode, 503, nginx.logs())
  assert.equal(api.headers['retry-after'], '7')
  assert.equal(api.headers.location, undefined)
  assert.deepEqual(await api.body.json(), { retry_after_seconds: 7 })

  // nothing listens on Hall's address: nginx cannot ask, so it cannot let anything through
  const closed = await startNginx({ hallUrl: 'http://127.0.0.1:1', upstream: 'http://127.0.0.1:1', domain: DOMAIN, publicHost: PUBLIC_HOST })
  t.after(() => closed.stop())
  const down = await request(`${closed.url}/`, { headers: { host: DOMAIN, accept: 'text/html' } })
  assert.equal(down.statusCode, 503)
  assert.equal(down.headers['retry-after'], '5')
  await down.body.dump()
})

test('Hall\'s public host serves only what a browser needs; port 80 sends everything to HTTPS', { skip }, async (t) => {
  const { nginx, seen } = await stand(t, () => ({ status: 200 }))
  for (const path of ['/', '/healthz', '/api/status', `/api/status/${DOMAIN}`, `/waiting/${DOMAIN}?to=x`, '/assets/waiting.js', `/api/events/${DOMAIN}`]) {
    const res = await request(`${nginx.url}${path}`, { headers: { host: PUBLIC_HOST } })
    assert.equal(res.statusCode, 200, path)
    assert.equal(await res.body.text(), `hall page ${path}`)
  }
  // the admin goes to Hall for a LAN address (loopback here): the allow/deny list is checked below
  for (const path of ['/admin', '/admin/login']) {
    const res = await request(`${nginx.url}${path}`, { headers: { host: PUBLIC_HOST } })
    assert.deepEqual([res.statusCode, await res.body.text()], [200, `hall page ${path}`], path)
  }
  for (const path of ['/forward-auth', '/forward-auth/nginx', '/traefik/dynamic', '/api/wol/lab', '/administrator']) {
    const res = await request(`${nginx.url}${path}`, { headers: { host: PUBLIC_HOST } })
    await res.body.dump()
    assert.equal(res.statusCode, 404, path)
  }
  assert.equal(seen.authSeen.length, 0, 'Hall\'s own host is not behind forward-auth')

  const plain = await request(`http://127.0.0.1:${nginx.httpPort}/page?x=1`, { headers: { host: DOMAIN } })
  await plain.body.dump()
  assert.equal(plain.statusCode, 301)
  assert.equal(plain.headers.location, `https://${DOMAIN}/page?x=1`)
})

test('Hall\'s public host exposes the paths Traefik\'s router for Hall exposes, and nothing else', () => {
  const text = readFileSync(SHIPPED_NGINX_CONF, 'utf8')
  const server = text.slice(text.indexOf('server_name hall.audit-io.fr;'))
  // `location = /x` is Traefik's Path(`/x`), `location ^~ /y/` its PathPrefix(`/y/`)
  const nginx = [...server.matchAll(/location (=|\^~) (\S+)/g)].map(([, kind, p]) => kind === '=' ? p! : `${p!}*`).sort()
  // Hall's own router is the one whose rule has paths after its host
  const rule = readFileSync(new URL('../../../deploy/traefik/hall.example.yml', import.meta.url), 'utf8').match(/^\s+rule: (Host\(`[^`]+`\) && \(.*)$/m)?.[1] ?? ''
  const traefik = [...rule.matchAll(/(Path|PathPrefix)\(`([^`]+)`\)/g)].map(([, kind, p]) => kind === 'Path' ? p! : `${p!}*`).sort()
  assert.ok(traefik.length > 0, 'the Traefik rule lists paths')
  assert.deepEqual(nginx, traefik)
})

test('Hall\'s admin on nginx: the LAN ranges of HALL_ADMIN_ALLOW\'s default pass, everyone else is denied', () => {
  const text = readFileSync(SHIPPED_NGINX_CONF, 'utf8')
  const admin = /location ~ \^\/admin\(\/\|\$\) \{([^}]*)\}/.exec(text)?.[1] ?? ''
  const allowed = [...admin.matchAll(/allow (\S+);/g)].map(m => m[1]).sort()
  assert.deepEqual(allowed, ['10.0.0.0/8', '127.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '::1', 'fc00::/7'])
  assert.match(admin, /deny all;\s+proxy_pass http:\/\/127\.0\.0\.1:8080;/)
})
