import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { parseConfig } from '../../../service/src/config/load.js'
import { collectEnergyReport } from '../../../service/src/energy/collect.js'
import { HallError } from '../../../service/src/errors.js'
import { adminPageRoutes } from '../../../service/src/http/admin/pages.js'
import type { AccountDirectory, AdminAccount, Role } from '../../../service/src/http/admin/session-types.js'
import { errorBody, replyWithError } from '../../../service/src/http/error-answer.js'
import { rememberPowerHistory } from '../../../service/src/http/recent-power-history.js'
import { createFleet, type Fleet } from '../../../service/src/lifecycle/fleet.js'
import type { ProbeOutcome } from '../../../service/src/ports/probe.js'
import { createHistoryReader } from '../../../service/src/store/history.js'
import { openHallStore, powerHistory, type HallStore } from '../../../service/src/store/index.js'
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock.js'

// The admin pages' plugin in a Fastify app of its own, over a real SQLite file and a real fleet on
// a fake clock. The auth half's scope is stood in for by what it guarantees the pages: an account
// on the request (here from the x-test-account header, "name:role") and the CSRF check of
// @fastify/csrf-protection (cookie-bound) before every POST handler.

const silent = { info () {}, warn () {}, error () {} }
const relay = { admin: { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any' } }
const shutdown = { relay: 'admin', command: 'sudo systemctl poweroff' }

/** lab sleeps (on demand), always is always on, office is inside its schedule window (Thursday 09:00 in Paris). */
const servers = {
  lab: { ip: '127.0.0.1', mac: '02:00:00:00:00:07', policy: 'on_demand', idle_shutdown_minutes: 20, shutdown, wake_timeout_seconds: 60, power: { on_watts: 100, off_watts: 2 } },
  always: { ip: '127.0.0.2', mac: '02:00:00:00:00:08', policy: 'always_on', shutdown },
  office: {
    ip: '127.0.0.3',
    mac: '02:00:00:00:00:09',
    policy: 'scheduled',
    shutdown,
    schedule: { timezone: 'Europe/Paris', windows: [{ days: ['thu'], from: '08:00', to: '19:00' }] }
  }
}

export interface AuditCall { kind: string, message: string, account: string | null, details: Record<string, unknown> }

export interface PagesRig {
  readonly app: FastifyInstance
  readonly fleet: Fleet
  readonly store: HallStore
  readonly clock: FakeClock
  /** Which hosts answer probes, by server name; wakes bring a host up. */
  readonly up: Map<string, boolean>
  readonly audits: AuditCall[]
  readonly accounts: Map<string, { role: Role, password: string, createdAt: number, lastLoginAt: number | null }>
  /** Set `refuse`: the directory's next hashes fail after its checks passed, as a full hash gate refuses them. */
  readonly hashes: { refuse: boolean }
  advance (ms: number, step?: number): Promise<void>
}

/** AUTH's directory, as its interface promises: HallError HALL_ERR_ACCOUNT_* on a bad request. */
function directory (accounts: PagesRig['accounts'], clock: FakeClock, hashes: PagesRig['hashes']): AccountDirectory {
  const check = (password: string): void => {
    if (password.length < 12) throw new HallError('HALL_ERR_ACCOUNT_PASSWORD_WEAK', 'the password is too short')
  }
  // the hash is made on the thread pool: its refusal comes a turn later, after every check passed
  const hash = async (): Promise<void> => {
    await new Promise(resolve => setImmediate(resolve))
    if (hashes.refuse) throw new HallError('HALL_ERR_ADMIN_LOGIN_LOCKED', 'too many hashes wait')
  }
  return {
    list: () => [...accounts].map(([name, a]) => ({ name, role: a.role, createdAt: a.createdAt, lastLoginAt: a.lastLoginAt })),
    async add (name, role, password) {
      if (!/^[a-z][a-z0-9_-]{0,31}$/.test(name)) throw new HallError('HALL_ERR_ACCOUNT_NAME_INVALID', 'invalid account name')
      if (accounts.has(name)) throw new HallError('HALL_ERR_ACCOUNT_NAME_TAKEN', 'taken')
      check(password)
      await hash()
      accounts.set(name, { role, password, createdAt: clock.now(), lastLoginAt: null })
    },
    remove (name) {
      if (!accounts.delete(name)) throw new HallError('HALL_ERR_ACCOUNT_UNKNOWN', 'no such account')
    },
    async setPassword (name, password) {
      const a = accounts.get(name)
      if (a === undefined) throw new HallError('HALL_ERR_ACCOUNT_UNKNOWN', 'no such account')
      check(password)
      await hash()
      a.password = password
    }
  }
}

function accountFrom (header: string | string[] | undefined): AdminAccount | null {
  if (typeof header !== 'string') return null
  const [name, role] = header.split(':')
  return name === undefined || (role !== 'admin' && role !== 'viewer') ? null : { name, role }
}

/** `beforeReady` adds to the app before it starts (a browser test's CSP header, Hall's public stylesheet). */
export async function pagesRig (t: TestContext, beforeReady?: (app: FastifyInstance) => void): Promise<PagesRig> {
  const dir = mkdtempSync(join(tmpdir(), 'hall-admin-'))
  const store = openHallStore(join(dir, 'hall.db'))
  const clock = createFakeClock()
  const config = parseConfig(JSON.stringify({ relays: relay, servers, domains: { 'app.hall.test': { server: 'lab', upstream: 'http://127.0.0.1:9' } } }))
  const up = new Map([['lab', false], ['always', true], ['office', true]])
  const recent = rememberPowerHistory(powerHistory(store), store, config.servers.keys())
  const fleet = createFleet({
    config,
    clock,
    store: recent.store,
    log: silent,
    prober: { probe: async (server): Promise<ProbeOutcome> => ({ alive: up.get(server.name) ?? false, ready: up.get(server.name) ?? false, checks: [] }) },
    waker: { wake: async (server) => { up.set(server.name, true); return { method: 'udp', packetsSent: 3, exitCode: null, stderr: null, durationMs: 1 } } },
    shutdowner: {
      isBusy: async () => false,
      shutdown: async (server) => { up.set(server.name, false); return { exitCode: 0, stderr: '', durationMs: 1 } }
    }
  })
  const audits: AuditCall[] = []
  const hashes = { refuse: false }
  const accounts: PagesRig['accounts'] = new Map([
    ['alice', { role: 'admin', password: 'correct horse battery', createdAt: clock.now(), lastLoginAt: clock.now() }],
    ['victor', { role: 'viewer', password: 'viewer password 1', createdAt: clock.now(), lastLoginAt: null }]
  ])

  const app = Fastify()
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    // @fastify/csrf-protection's own refusal, as the auth scope answers it
    if ((err as { code?: string }).code?.startsWith('FST_CSRF_') === true) return reply.code(403).send(errorBody('HALL_ERR_ADMIN_CSRF'))
    return replyWithError(err, req, reply)
  })
  await app.register(fastifyCookie)
  await app.register(fastifyCsrf)
  app.decorateRequest('account', null)
  app.addHook('onRequest', async (req) => { req.account = accountFrom(req.headers['x-test-account']) })
  app.addHook('preHandler', (req, reply, done) => { if (req.method === 'POST') app.csrfProtection(req, reply, done); else done() })
  await app.register(adminPageRoutes, {
    prefix: '/admin',
    fleet,
    history: recent.history,
    db: createHistoryReader(store.db),
    apiKeys: store.apiKeys,
    accounts: directory(accounts, clock, hashes),
    clock,
    energyReport: (period, now, timeZone) => collectEnergyReport(store, fleet.config(), { pricePerKwh: 0.3, currency: 'EUR', gatewayWatts: 0 }, period, now, timeZone),
    audit (kind, message, req, details = {}) {
      const fields = details as Record<string, unknown>
      audits.push({ kind, message, account: req.account?.name ?? null, details: fields })
      store.events.record({ at: clock.now(), level: 'info', server: typeof fields.server === 'string' ? fields.server : null, kind, message, details: { ...fields, account: req.account?.name ?? null } })
    }
  })
  beforeReady?.(app)
  await app.ready()
  fleet.start()
  t.after(async () => { await app.close(); fleet.stop(); store.close(); rmSync(dir, { recursive: true, force: true }) })

  const advance = async (ms: number, step = 250): Promise<void> => {
    for (let done = 0; done < ms; done += step) {
      clock.advance(Math.min(step, ms - done))
      for (let i = 0; i < 3; i++) await new Promise(resolve => setImmediate(resolve))
    }
  }
  await advance(1000) // first probes: lab OFFLINE, always and office RUNNING
  return { app, fleet, store, clock, up, audits, accounts, hashes, advance }
}

export const ADMIN = 'alice:admin'
export const VIEWER = 'victor:viewer'

/** A browser's session: the CSRF cookie and token of a page it loaded, then its forms. */
export interface Browser {
  get (url: string, headers?: Record<string, string>): Promise<{ status: number, body: string, headers: Record<string, unknown> }>
  post (url: string, fields?: Record<string, string | string[]>, headers?: Record<string, string>): Promise<{ status: number, body: string, headers: Record<string, unknown> }>
  token: () => string
}

export function browser (app: FastifyInstance, account: string): Browser {
  let cookie = ''
  let token = ''
  const remember = (setCookie: unknown): void => {
    const first = (Array.isArray(setCookie) ? setCookie : [setCookie]).find((c): c is string => typeof c === 'string' && c.startsWith('_csrf='))
    if (first !== undefined) cookie = first.split(';')[0]!
  }
  return {
    async get (url, headers = {}) {
      const res = await app.inject({ method: 'GET', url, headers: { 'x-test-account': account, cookie, ...headers } })
      remember(res.headers['set-cookie'])
      const meta = /<meta name="csrf-token" content="([^"]+)">/.exec(res.body)
      if (meta !== null) token = meta[1]!
      return { status: res.statusCode, body: res.body, headers: res.headers }
    },
    async post (url, fields = {}, headers = {}) {
      const form = new URLSearchParams()
      for (const [k, v] of Object.entries({ _csrf: token, ...fields })) for (const one of Array.isArray(v) ? v : [v]) form.append(k, one)
      const res = await app.inject({
        method: 'POST',
        url,
        headers: { 'x-test-account': account, cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: form.toString()
      })
      return { status: res.statusCode, body: res.body, headers: res.headers }
    },
    token: () => token
  }
}
