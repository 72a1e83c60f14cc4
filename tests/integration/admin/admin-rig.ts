import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import type { Logger } from 'pino'
import type { Clock } from '../../../service/src/clock.js'
import { readEnv } from '../../../service/src/config/env.js'
import { startService, type Service } from '../../../service/src/main.js'
import type { AccountRole } from '../../../service/src/store/index.js'
import { hashPasswordSync } from '../../../service/src/store/password-hash.js'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'

export const DOMAIN = 'app.hall.test'
export const PASSWORD = 'correct horse battery staple'

export interface Rig { hall: Service, dbFile: string, configFile: string }

/**
 * Hall in this process over a real SQLite file, its one server asleep (a closed port), the
 * admin on. With a fake clock nothing runs until the test advances it; `env` adds to the
 * defaults (HALL_PUBLIC_URL http://hall.lan.test, so the cookies are the plain-http ones).
 */
export async function startAdmin (t: TestContext, opts: { env?: Record<string, string>, clock?: Clock, log?: Logger, dbFile?: string } = {}): Promise<Rig> {
  const config = writeLoopbackConfig({ udpPort: await freePort(), httpPort: await freePort(), domain: DOMAIN })
  const dir = mkdtempSync(join(tmpdir(), 'hall-admin-'))
  const dbFile = opts.dbFile ?? join(dir, 'hall.db')
  const env = readEnv({ HALL_CONFIG: config.file, HALL_DB: dbFile, HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_PUBLIC_URL: 'http://hall.lan.test', HALL_LOG_LEVEL: 'silent', ...opts.env })
  const hall = await startService(env, { clock: opts.clock, log: opts.log, watch: false })
  t.after(async () => {
    await hall.close()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  return { hall, dbFile, configFile: config.file }
}

/** An account made as `hall user add` makes one (scrypt, the real parameters). */
export function addAccount (hall: Service, name: string, role: AccountRole = 'admin', password = PASSWORD): void {
  hall.store.accounts.add({ name, role, passwordHash: hashPasswordSync(password), now: Date.now() })
}

export interface Answer { status: number, headers: Record<string, string | string[] | undefined>, body: string, cookies: string[] }

export interface Ask {
  method?: string
  /** A loopback source address: each one is another TCP peer to Hall (default 127.0.0.1). */
  from?: string
  headers?: Record<string, string>
  /** Cookie header value. */
  cookie?: string
  /** Sent as an HTML form would (application/x-www-form-urlencoded). */
  form?: Record<string, string>
}

export async function ask (hall: Service, path: string, a: Ask = {}): Promise<Answer> {
  const body = a.form === undefined ? undefined : new URLSearchParams(a.form).toString()
  const headers: Record<string, string> = { ...a.headers }
  if (a.cookie !== undefined) headers.cookie = a.cookie
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
  return await new Promise((resolve, reject) => {
    const req = httpRequest(`${hall.url}${path}`, { method: a.method ?? (body === undefined ? 'GET' : 'POST'), localAddress: a.from ?? '127.0.0.1', headers }, res => {
      let text = ''
      res.setEncoding('utf8').on('data', (c: string) => { text += c })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, cookies: res.headers['set-cookie'] ?? [] }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** The `name=value` part of the Set-Cookie for `name`, or undefined. */
export function cookieOf (answer: Answer, name: string): string | undefined {
  return answer.cookies.map(c => c.split(';')[0]!).find(c => c.startsWith(`${name}=`) && c !== `${name}=`)
}

/** The CSRF token a page carries in its forms. */
export function csrfOf (answer: Answer): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(answer.body)
  if (m === null) throw new Error(`no CSRF token in the page (${answer.status}): ${answer.body.slice(0, 200)}`)
  return m[1]!
}

/** The login form's nonce cookie and token, as a browser would hold them after GET /admin/login. */
export async function loginForm (hall: Service, a: Ask = {}): Promise<{ cookie: string, token: string }> {
  const page = await ask(hall, '/admin/login', a)
  const cookie = cookieOf(page, 'hall_login') ?? a.cookie ?? ''
  return { cookie, token: csrfOf(page) }
}

/** Logs in through the form; returns the answer (303 and the session cookie when it worked). */
export async function postLogin (hall: Service, name: string, password: string, a: Ask = {}): Promise<Answer> {
  const form = await loginForm(hall, a)
  const cookie = [form.cookie, a.cookie].filter(c => c !== undefined && c !== '').join('; ')
  return await ask(hall, '/admin/login', { ...a, cookie, form: { name, password, _csrf: form.token, next: '/admin/' } })
}

/** Logs in and returns the session cookie (`hall_session=...`). */
export async function login (hall: Service, name: string, password = PASSWORD, a: Ask = {}): Promise<string> {
  const answer = await postLogin(hall, name, password, a)
  const session = cookieOf(answer, 'hall_session')
  if (answer.status !== 303 || session === undefined) throw new Error(`login as ${name} failed: ${answer.status}`)
  return session
}
