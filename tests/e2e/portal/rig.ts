import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { readEnv } from '../../../service/src/config/env.js'
import { startService, type Service } from '../../../service/src/main.js'
import type { PodRunner } from '../../../service/src/projects/service.js'
import { hashPasswordSync } from '../../../service/src/store/password-hash.js'
import { caddyAvailable, startCaddy } from '../../helpers/caddy.js'
import { chromiumAvailable, launchChromium } from '../../helpers/chromium.js'
import { freePort } from '../../helpers/free-port.js'
import { nginxAvailable, startNginx } from '../../helpers/nginx.js'
import { until } from '../../helpers/hall-in-process.js'
import { skipUnless } from '../../helpers/missing-tool.js'
import type { After } from '../support.js'

// The portal as its clients reach it: Hall in this process, the shipped Caddyfile (or nginx's
// hall.conf) in front of it (Hall's own host, and the gate on every project's host before the
// projects' app), and headless Chromium. `*.test` resolves to 127.0.0.1 in that browser only
// (chromium.ts), so Hall is at http://hall.test:<proxy port>, the projects at acme.hall.test and
// globex.hall.test on the same port, and the portal's cookie is for HALL_COOKIE_DOMAIN=hall.test,
// as in production.

export const HALL_HOST = 'hall.test'
export const COOKIE_DOMAIN = 'hall.test'
export const PASSWORDS: Readonly<Record<string, string>> = {
  alice: 'alice: acme only, correct horse',
  bob: 'bob: globex only, battery staple',
  root: 'root: every project, admin of Hall'
}

export const skip = skipUnless({ caddy: caddyAvailable(), chromium: chromiumAvailable() })
const PROJECTS = ['acme', 'globex'] as const

/** The real podman path runs over sshd in tests/integration/projects: here every pod plays at once. */
const pods: PodRunner = {
  apply: async () => ({ command: 'podman kube play --replace -', exitCode: 0, stderr: '', stdout: '', durationMs: 1 }),
  remove: async () => ({ command: 'podman kube down -', exitCode: 0, stderr: '', stdout: '', durationMs: 1 })
}

export interface PortalStack {
  hall: Service
  /** http://hall.test:<port>: Hall's public host, through the proxy. */
  base: string
  /** http://<project>.hall.test:<port>/ */
  projectUrl (name: string): string
  /** http://127.0.0.1:<port>: the proxy, for a client that sets Host itself. */
  proxyUrl: string
}

export interface PortalRig extends PortalStack {
  browser: Browser
}

export const nginxSkip = skipUnless({ nginx: nginxAvailable() })

/** The stack below behind the shipped Caddyfile, and headless Chromium. */
export async function startPortalRig (t: After): Promise<PortalRig> {
  const stack = await startPortalStack(t, 'caddy')
  const browser = await launchChromium()
  t.after(() => browser.close())
  return { ...stack, browser }
}

/**
 * The server `testing` is up (a loopback app answering its health check and, behind the proxy, the
 * projects' pages: "acme app" on acme's host, with the names of the cookies it received); projects
 * acme (alice) and globex (bob), both members-only; accounts alice and bob (clients) and root
 * (admin). All stopped by `t.after`.
 */
export async function startPortalStack (t: After, proxy: 'caddy' | 'nginx'): Promise<PortalStack> {
  const app = createServer((req, res) => {
    if (req.url === '/health') { res.end('ok'); return }
    // the page of the project whose host the browser asked for: "acme app" on acme.hall.test
    const project = (req.headers.host ?? '').split('.')[0] ?? ''
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><title>${project} app</title><h1 id="app">${project} app</h1><p id="path">${req.url?.replace(/[<>&"]/g, '') ?? ''}</p>` +
      // the names of the cookies the app received: the portal's session must never be among them
      `<p id="cookies">${(req.headers.cookie ?? '').split(';').map(c => c.split('=')[0]!.trim()).filter(n => n !== '').join(' ').replace(/[<>&"]/g, '')}</p>`)
  })
  await new Promise<void>(resolve => app.listen(0, '127.0.0.1', resolve))
  t.after(async () => { app.closeAllConnections(); await new Promise<void>(resolve => app.close(() => resolve())) })
  const appUrl = `http://127.0.0.1:${(app.address() as { port: number }).port}`

  const dir = await mkdtemp(join(tmpdir(), 'hall-portal-e2e-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const configFile = join(dir, 'domains.json')
  await writeFile(configFile, JSON.stringify(domainsJson(appUrl, await freePort())))

  // the proxy first, to know the public URL; Hall then listens where the proxy already sends it
  const hallPort = await freePort()
  const hallUrl = `http://127.0.0.1:${hallPort}`
  const front = proxy === 'caddy'
    ? await startCaddy({ authUrl: hallUrl, upstream: appUrl, hallHost: HALL_HOST, project: true })
    : await startNginx({ hallUrl, upstream: appUrl, domain: `unused.${COOKIE_DOMAIN}`, publicHost: HALL_HOST, projects: { hosts: PROJECTS.map(p => `${p}.${COOKIE_DOMAIN}`), upstream: appUrl } })
  t.after(() => front.stop())
  const base = `http://${HALL_HOST}:${front.port}`
  const hall = await startService(readEnv({
    HALL_CONFIG: configFile, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: String(hallPort), HALL_PUBLIC_URL: base, HALL_COOKIE_DOMAIN: COOKIE_DOMAIN, HALL_LOG_LEVEL: 'silent'
  }), { pods, watch: false })
  t.after(() => hall.close())
  await until(() => hall.fleet.supervisor('testing')?.state().phase === 'RUNNING')

  const project = { server: 'testing', image: 'docker.io/library/nginx:1.27', cpu: 1, memory_mib: 512, disk_gib: 2, access: 'members' }
  hall.projects.create({ ...project, name: 'acme', client: 'ACME Corp', host: `acme.${COOKIE_DOMAIN}`, port: 18081 }, 'root')
  hall.projects.create({ ...project, name: 'globex', client: 'Globex', host: `globex.${COOKIE_DOMAIN}`, port: 18082 }, 'root')
  for (const [name, role] of [['alice', 'client'], ['bob', 'client'], ['root', 'admin']] as const) {
    hall.store.accounts.add({ name, role, passwordHash: hashPasswordSync(PASSWORDS[name]!), now: Date.now() })
  }
  hall.store.writes.flush()
  hall.projects.addMember('acme', 'alice', 'root')
  hall.projects.addMember('globex', 'bob', 'root')
  await hall.projects.settled()
  return { hall, base, projectUrl: name => `http://${name}.${COOKIE_DOMAIN}:${front.port}/`, proxyUrl: `http://127.0.0.1:${front.port}` }
}

function domainsJson (appUrl: string, udpPort: number): unknown {
  return {
    relays: { box: { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any' } },
    servers: {
      testing: {
        ip: '127.0.0.1',
        mac: '02:00:00:00:00:3c',
        wake: { method: 'udp', broadcast: '127.0.0.1', port: udpPort },
        health: [{ type: 'http', url: `${appUrl}/health`, expect_status: 200 }],
        probe_timeout_seconds: 0.5,
        capacity: { cpu: 4, memory_mib: 8192, disk_gib: 100 },
        podman: { relay: 'box' }
      }
    },
    domains: {}
  }
}

/** A fresh browser context: its own cookies, as another person's browser. */
export async function newPage (rig: PortalRig): Promise<Page> {
  const context = await rig.browser.newContext({ locale: 'en-GB' })
  return await context.newPage()
}

/** On the login form: fills it in as `name` and submits; resolves with the POST's answer status. */
export async function signIn (page: Page, name: string): Promise<number> {
  await page.locator('#hall-name').fill(name)
  await page.locator('#hall-password').fill(PASSWORDS[name]!)
  const [answer] = await Promise.all([
    page.waitForResponse(res => res.request().method() === 'POST' && new URL(res.url()).pathname === '/login'),
    page.locator('form[action="/login"] button[type="submit"]').click()
  ])
  return answer.status()
}
