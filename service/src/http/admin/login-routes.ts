import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from '../../clock.js'
import type { Accounts } from '../../store/index.js'
import { verifyPassword } from '../../store/password-hash.js'
import { negotiateLanguage, type Lang } from '../i18n.js'
import type { Audit } from './audit.js'
import { loginCsrfToken } from './csrf.js'
import type { GuardDeps } from './admin-guard.js'
import type { HashGate } from './hash-gate.js'
import type { LoginLimits } from './login-limits.js'
import { renderLoginPage, renderNoAccountPage, type LoginProblem } from './login-view.js'

export interface LoginOptions extends Pick<GuardDeps, 'sessions' | 'policy' | 'secret'> {
  readonly accounts: Accounts
  readonly limits: LoginLimits
  readonly gate: HashGate
  readonly audit: Audit
  readonly clock: Clock
}

interface LoginBody { name: string, password: string, next?: string, _csrf?: string }

const loginBody = {
  type: 'object',
  required: ['name', 'password'],
  properties: { name: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 1024 }, next: { type: 'string', maxLength: 2048 }, _csrf: { type: 'string' } }
} as const
const nextQuery = { type: 'object', properties: { next: { type: 'string', maxLength: 2048 } } } as const

/**
 * Where a login may send the browser on: a path of the admin (the Traefik dashboard under
 * /admin/traefik/ included), never another host ("//evil.test", "/\evil.test", "https://...").
 */
export function safeNext (next: string | undefined): string {
  if (next === undefined || !/^\/admin(\/[^\\]*)?$/.test(next) || [...next].some(c => c <= ' ' || c === '\x7f')) return '/admin/'
  return next
}

/** `/admin/login` (GET: the form, POST: the check) and `/admin/logout`, inside the /admin scope. */
export const loginRoutes: FastifyPluginAsync<LoginOptions> = async (app, opts) => {
  const { accounts, sessions, policy, limits, gate, audit, clock } = opts
  const form = (req: FastifyRequest, reply: FastifyReply, lang: Lang, fields: { next: string, name: string, problem: LoginProblem | null }): FastifyReply =>
    html(reply, renderLoginPage({ lang, csrfToken: loginCsrfToken(req, reply, policy, opts.secret), ...fields }))

  app.get<{ Querystring: { next?: string } }>('/login', { schema: { querystring: nextQuery } }, async (req, reply) => {
    const lang = languageOf(req, reply)
    if (accounts.count() === 0) return html(reply, renderNoAccountPage(lang))
    return form(req, reply, lang, { next: safeNext(req.query.next), name: '', problem: null })
  })

  app.post<{ Body: LoginBody }>('/login', { schema: { body: loginBody } }, async (req, reply) => {
    const lang = languageOf(req, reply)
    const { name, password } = req.body
    const next = safeNext(req.body.next)
    const address = req.adminClientAddress ?? ''
    const lockedUntil = limits.lockedUntil(name, address)
    if (lockedUntil !== null) return lockedForm(req, reply, lang, next, name, lockedUntil)

    // an unknown name is hashed all the same (against a dummy): both answers take one scrypt
    const account = accounts.find(name)
    const good = await gate.run(async () => await verifyPassword(password, account?.passwordHash ?? null))
    // a client account signs in at /login, for its projects; here it is one more failed login
    if (account === null || !good || account.role === 'client') {
      audit('login-failed', `failed login for "${name}"`, req, { tried: name })
      for (const scope of limits.fail(name, address)) {
        audit('login-locked', `logins ${scope === 'account' ? `to "${name}"` : `from ${address}`} locked for 15 minutes after 5 failures`, req, { tried: name, scope })
      }
      return form(req, reply.code(401), lang, { next, name, problem: { kind: 'failed' } })
    }

    limits.succeed(name)
    // a new id at every login: an id planted before it (session fixation) is worth nothing
    const previous = req.cookies[policy.session]
    if (previous !== undefined) {
      const unsigned = req.unsignCookie(previous)
      if (unsigned.valid && unsigned.value !== null) sessions.end(unsigned.value)
    }
    const { id } = sessions.open(account, address, 'admin')
    accounts.noteLogin(account.id, clock.now())
    req.account = { name: account.name, role: account.role }
    audit('login', `${account.name} logged in`, req)
    reply.clearCookie(policy.login, policy.options)
    return reply.setCookie(policy.session, id, policy.options).redirect(next, 303)
  })

  app.post('/logout', async (req, reply) => {
    const raw = req.cookies[policy.session]
    const unsigned = raw === undefined ? null : req.unsignCookie(raw)
    const ended = unsigned?.valid === true && unsigned.value !== null ? sessions.end(unsigned.value) : null
    if (ended !== null) audit('logout', `${ended.account.name} logged out`, req)
    return reply.clearCookie(policy.session, policy.options).redirect('/admin/login', 303)
  })

  function lockedForm (req: FastifyRequest, reply: FastifyReply, lang: Lang, next: string, name: string, until: number): FastifyReply {
    const seconds = Math.max(1, Math.ceil((until - clock.now()) / 1000))
    reply.code(429).header('retry-after', String(seconds))
    return form(req, reply, lang, { next, name, problem: { kind: 'locked', minutes: Math.ceil(seconds / 60) } })
  }
}

function languageOf (req: FastifyRequest, reply: FastifyReply): Lang {
  reply.header('vary', 'accept-language')
  return negotiateLanguage(req.headers['accept-language'])
}

function html (reply: FastifyReply, body: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(body)
}
