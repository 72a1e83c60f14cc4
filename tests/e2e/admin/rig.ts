import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { caddyAvailable, startCaddy, type RunningCaddy } from '../../helpers/caddy.js'
import { chromiumAvailable, launchChromium } from '../../helpers/chromium.js'
import { skipUnless } from '../../helpers/missing-tool.js'
import { startSshd } from '../../helpers/sshd.js'
import { startStack, type After, type Stack, type StackOptions } from '../support.js'

// The admin as its users reach it: a real `hall serve` (accounts made by the real CLI), the
// shipped Caddyfile's site for Hall's own host in front of it, and headless Chromium. The
// browser opens http://hall.test:<caddy port>/admin/; Caddy is the trusted proxy, so Hall judges
// the X-Forwarded-For entry Caddy appends (127.0.0.1, on HALL_ADMIN_ALLOW by default).

export const HALL_HOST = 'hall.test'
/** The simulated server's name in domains.json (support.ts). */
export const SERVER = 'lab'
export const PASSWORDS: Readonly<Record<string, string>> = {
  alice: 'alice: correct horse battery staple',
  victor: 'victor: only looks, never touches'
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export const skip = skipUnless({ caddy: caddyAvailable(), chromium: chromiumAvailable(), sshd: existsSync('/usr/sbin/sshd') })

export interface AdminRig {
  stack: Stack
  caddy: RunningCaddy
  browser: Browser
  /** `http://hall.test:<port>`: Hall's own host, through Caddy. */
  base: string
}

export interface RigOptions extends Pick<StackOptions, 'aliveAfterMs' | 'readyAfterMs'> {
  /** Give the server a shutdown command run over a real OpenSSH relay on loopback. */
  shutdown: boolean
}

/** The stack, the accounts alice (admin) and victor (viewer), Caddy and Chromium; all stopped by `t.after`. */
export async function startAdminRig (t: After, opts: RigOptions): Promise<AdminRig> {
  let shutdownVia
  if (opts.shutdown) {
    const sshd = await startSshd()
    t.after(() => sshd.stop())
    shutdownVia = sshd
  }
  const stack = await startStack(t, { aliveAfterMs: opts.aliveAfterMs, readyAfterMs: opts.readyAfterMs, shutdownVia })
  // made while Hall runs, on its database, as an operator would with `hall user add`
  const [caddy] = await Promise.all([
    startCaddy({ authUrl: stack.hall.url, upstream: `http://127.0.0.1:${stack.sim.httpPort}`, hallHost: HALL_HOST }),
    addUser(stack, 'alice', 'admin'),
    addUser(stack, 'victor', 'viewer')
  ])
  t.after(() => caddy.stop())
  const browser = await launchChromium()
  t.after(() => browser.close())
  return { stack, caddy, browser, base: `http://${HALL_HOST}:${caddy.port}` }
}

/** `hall user add NAME --role ROLE` on the stack's database, the password on stdin. */
export async function addUser (stack: Stack, name: string, role: 'admin' | 'viewer'): Promise<void> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HALL_')))
  const child = spawn(process.execPath, ['--import', 'tsx', 'service/src/cli.ts', 'user', 'add', name, '--role', role], {
    cwd: REPO_ROOT,
    env: { ...inherited, HALL_DB: stack.hall.dbFile },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { output += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { output += s })
  child.stdin.end(`${PASSWORDS[name]!}\n`)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  })
  assert.equal(code, 0, `hall user add ${name} --role ${role} failed:\n${output}`)
  assert.match(output, new RegExp(`added account "${name}" \\(${role}\\)`))
}

/** A fresh browser context (its own cookies), at a width: 1280×800 by default. */
export async function newPage (rig: AdminRig, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await rig.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', ...options })
  return await context.newPage()
}

/**
 * Opens the overview without a session, is sent to the login form, signs in and lands on the
 * overview. Every answer along the way is checked, so a broken hop names itself.
 */
export async function logIn (page: Page, base: string, name: string): Promise<void> {
  const first = await page.goto(`${base}/admin/`)
  assert.equal(first?.status(), 200)
  assert.equal(new URL(page.url()).pathname, '/admin/login', 'no session yet: the login form')
  assert.equal(first.request().redirectedFrom()?.url(), `${base}/admin/`)
  await page.locator('#hall-name').fill(name)
  await page.locator('#hall-password').fill(PASSWORDS[name]!)
  const [answer] = await Promise.all([
    page.waitForResponse(res => res.request().method() === 'POST' && new URL(res.url()).pathname === '/admin/login'),
    page.locator('form[action="/admin/login"] button[type="submit"]').click()
  ])
  assert.equal(answer.status(), 303, `the login of ${name} was refused: ${await answer.text().catch(() => '')}`)
  await page.waitForURL(`${base}/admin/`)
  await page.locator(`article.server-card[data-server="${SERVER}"]`).waitFor()
}
