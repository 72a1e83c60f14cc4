import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { caddyAvailable } from '../../helpers/caddy.js'
import { watchChild } from '../../helpers/child-server.js'
import { freePort } from '../../helpers/free-port.js'
import { serveOnLoopback } from '../../helpers/loopback-server.js'
import { missingTool } from '../../helpers/missing-tool.js'
import { addAccount, startAdmin, PASSWORD } from './admin-rig.js'

// A real proxy's forward auth in front of a stand-in for Traefik's dashboard, as dashboard.yml
// sets Traefik up: /admin/traefik/* asks Hall's /forward-auth/admin first, the rest of the host
// is Hall. Caddy plays the proxy (Traefik cannot run here); the browser is a cookie jar.

const skip = !caddyAvailable() && missingTool('caddy')

interface Answer { status: number, location: string | undefined, body: string, cookies: string[] }

async function get (url: string, cookie: string, form?: Record<string, string>): Promise<Answer> {
  const body = form === undefined ? undefined : new URLSearchParams(form).toString()
  const headers: Record<string, string> = { cookie }
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
  return await new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: body === undefined ? 'GET' : 'POST', headers }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (c: string) => { text += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: text, cookies: (res.headers['set-cookie'] ?? []).map(c => c.split(';')[0]!) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function startProxy (t: TestContext, port: number, hallPort: number, dashboardPort: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hall-caddy-dashboard-'))
  await writeFile(join(dir, 'Caddyfile'), `{
\tadmin off
\tauto_https off
}
http://:${port} {
\tbind 127.0.0.1
\thandle /admin/traefik/* {
\t\tforward_auth 127.0.0.1:${hallPort} {
\t\t\turi /forward-auth/admin
\t\t}
\t\treverse_proxy 127.0.0.1:${dashboardPort}
\t}
\thandle {
\t\treverse_proxy 127.0.0.1:${hallPort}
\t}
}
`)
  const child = spawn('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    cwd: dir, env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') }, stdio: ['ignore', 'pipe', 'pipe']
  })
  const watched = watchChild(child)
  t.after(async () => { await watched.stop(); await rm(dir, { recursive: true, force: true }) })
  const deadline = Date.now() + 10_000
  while (!(watched.output().includes('serving initial configuration') && await accepts(port))) {
    if (watched.hasExited() || Date.now() > deadline) throw new Error(`caddy did not start:\n${watched.output()}`)
    await delay(25)
  }
}

async function accepts (port: number): Promise<boolean> {
  return await new Promise(resolve => {
    const s = connect({ port, host: '127.0.0.1' })
    s.once('connect', () => { s.destroy(); resolve(true) })
    s.once('error', () => resolve(false))
  })
}

test('Traefik\'s dashboard behind Hall: the login page first, back to the dashboard after, and only for an admin', { skip, timeout: 60_000 }, async (t) => {
  const port = await freePort()
  const { hall } = await startAdmin(t, { env: { HALL_PUBLIC_URL: `http://127.0.0.1:${port}` } })
  addAccount(hall, 'alice', 'admin')
  addAccount(hall, 'victor', 'viewer')
  const dashboard = new URL(await serveOnLoopback(t, (_req, res) => { res.setHeader('content-type', 'text/html'); res.end('<title>Traefik</title>') }))
  await startProxy(t, port, Number(new URL(hall.url).port), Number(dashboard.port))
  const base = `http://127.0.0.1:${port}`

  const logIn = async (name: string): Promise<{ cookie: string, answer: Answer }> => {
    const first = await get(`${base}/admin/traefik/dashboard/`, '')
    assert.equal(first.status, 302, 'no session: sent to the login page')
    assert.equal(first.location, `${base}/admin/login?next=${encodeURIComponent('/admin/traefik/dashboard/')}`)
    const form = await get(first.location, '')
    assert.equal(form.status, 200)
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!
    const next = /name="next" value="([^"]+)"/.exec(form.body)![1]!
    const answer = await get(`${base}/admin/login`, form.cookies.join('; '), { name, password: PASSWORD, _csrf: token, next })
    return { cookie: answer.cookies.filter(c => c.startsWith('hall_session=')).join('; '), answer }
  }

  const admin = await logIn('alice')
  assert.equal(admin.answer.status, 303)
  assert.equal(admin.answer.location, '/admin/traefik/dashboard/', 'back where the browser was going')
  const page = await get(`${base}/admin/traefik/dashboard/`, admin.cookie)
  assert.equal(page.status, 200)
  assert.equal(page.body, '<title>Traefik</title>')

  const viewer = await logIn('victor')
  assert.equal(viewer.answer.status, 303)
  assert.equal((await get(`${base}/admin/traefik/dashboard/`, viewer.cookie)).status, 302, 'a viewer does not see the dashboard')

  assert.equal((await get(`${base}/admin/`, viewer.cookie)).status, 200, 'the viewer still sees Hall\'s own admin')

  const overview = await get(`${base}/admin/`, admin.cookie)
  const token = /name="_csrf" value="([^"]+)"/.exec(overview.body)![1]!
  assert.equal((await get(`${base}/admin/logout`, admin.cookie, { _csrf: token })).status, 303)
  assert.equal((await get(`${base}/admin/traefik/dashboard/`, admin.cookie)).status, 302, 'after logout the dashboard asks for a login again')
})
