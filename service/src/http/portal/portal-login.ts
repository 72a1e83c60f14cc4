import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type {} from '@fastify/csrf-protection' // reply.generateCsrf(), registered by the portal scope
import { verifyPassword } from '../../store/password-hash.js'
import { loginCsrfToken } from '../admin/csrf.js'
import { sendHtml } from '../admin/page-context.js'
import { negotiateLanguage, type Lang } from '../i18n.js'
import { accountOf, loginFormCsrf, type PortalRouteOptions, type PortalSession } from './portal-context.js'
import { isRefusedAt, returnTarget, type ReturnTarget } from './return-target.js'
import { renderPortalLogin, renderRefused, type PortalLoginProblem } from './views/login.js'

interface LoginBody { name: string, password: string, to?: string, _csrf?: string }

// `to` is checked by returnTarget, which falls back instead of refusing; the bound only caps the work
const MAX_TO_LENGTH = 8192
const loginBody = {
  type: 'object',
  required: ['name', 'password'],
  properties: { name: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 1024 }, to: { type: 'string', maxLength: MAX_TO_LENGTH }, _csrf: { type: 'string' } }
} as const
const toQuery = { type: 'object', properties: { to: { type: 'string', maxLength: MAX_TO_LENGTH } } } as const
const logoutBody = { type: 'object', properties: { to: { type: 'string', maxLength: MAX_TO_LENGTH }, _csrf: { type: 'string' } } } as const
const html = { type: 'string' } as const

/**
 * `/login` (GET: the form, POST: the check) and `/logout`, with the admin login's protections:
 * locks per account and per address, one scrypt whether or not the name exists, a CSRF token
 * bound to a nonce before there is a session, and a new session id at every login.
 */
export const portalLogin: FastifyPluginAsync<PortalRouteOptions> = async (app, { ctx }) => {
  const { opts, cookie, loginPolicy, audit } = ctx
  const { sessions, clock, directory } = opts
  const accounts = opts.store.accounts
  const { limits, gate } = opts.logins
  const targetOf = (to: string | undefined): ReturnTarget | null => returnTarget(to, ctx.publicHost, directory.list())
  const form = (req: FastifyRequest, reply: FastifyReply, lang: Lang, fields: { to: string, name: string, problem: PortalLoginProblem | null }, status = 200): FastifyReply => {
    if (fields.to !== '') allowFormRedirectTo(reply, fields.to)
    return sendHtml(reply, renderPortalLogin({ lang, csrfToken: loginCsrfToken(req, reply, loginPolicy, opts.secret), ...fields }), status)
  }

  app.get<{ Querystring: { to?: string } }>('/login', { schema: { querystring: toQuery, response: { 200: html } } }, async (req, reply) => {
    const lang = languageOf(req, reply)
    const target = targetOf(req.query.to)
    const current = ctx.sessionOf(req)
    if (current === null) return form(req, reply, lang, { to: target?.url ?? '', name: '', problem: null })
    // signed in already: on to the page, unless the gate would send this account straight back
    if (target?.project != null && isRefusedAt(target.project, accountOf(current), directory.gate(target.project.name)?.memberIds)) {
      return refused(reply, lang, current, target.project.name, target.url)
    }
    return reply.redirect(target?.url ?? '/projects', 303)
  })

  app.post<{ Body: LoginBody }>('/login', {
    // the form's token is the nonce's, even when the browser still holds a session (ended below);
    // and until the password is checked the request speaks for nobody (the event log included)
    onRequest: (req, _reply, done) => { req.session = loginFormCsrf(req, ctx); req.account = null; done() },
    // no schema for the pages of 401, 403 and 429: a refused CSRF token answers 403 in JSON
    schema: { body: loginBody }
  }, async (req, reply) => {
    const lang = languageOf(req, reply)
    const { name, password } = req.body
    const target = targetOf(req.body.to)
    const back = { to: target?.url ?? '', name }
    const address = req.adminClientAddress ?? ''
    const lockedUntil = limits.lockedUntil(name, address)
    if (lockedUntil !== null) {
      const seconds = Math.max(1, Math.ceil((lockedUntil - clock.now()) / 1000))
      reply.header('retry-after', String(seconds))
      return form(req, reply, lang, { ...back, problem: { kind: 'locked', minutes: Math.ceil(seconds / 60) } }, 429)
    }

    // an unknown name is hashed all the same (against a dummy): both answers take one scrypt
    const account = accounts.find(name)
    const good = await gate.run(async () => await verifyPassword(password, account?.passwordHash ?? null))
    if (account === null || !good) {
      audit('portal-login-failed', `failed portal login for "${name}"`, req, { tried: name })
      for (const scope of limits.fail(name, address)) {
        audit('portal-login-locked', `portal logins ${scope === 'account' ? `to "${name}"` : `from ${address}`} locked for 15 minutes after 5 failures`, req, { tried: name, scope })
      }
      return form(req, reply, lang, { ...back, problem: { kind: 'failed' } }, 401)
    }
    limits.succeed(name)
    // the right password: a viewer is told plainly, rather than left to guess at its password
    if (account.role === 'viewer') {
      audit('portal-login-refused', `${account.name} (a viewer) has no access to projects`, req, { tried: name })
      return form(req, reply, lang, { ...back, problem: { kind: 'no-access' } }, 403)
    }

    // a new id at every login: an id planted before it (session fixation) is worth nothing
    const previous = ctx.sessionOf(req)
    if (previous !== null) sessions.end(previous.id)
    const { id } = sessions.open(account, address, 'portal')
    accounts.noteLogin(account.id, clock.now())
    req.account = { name: account.name, role: account.role }
    audit('portal-login', `${account.name} signed in to the portal`, req)
    reply.clearCookie(loginPolicy.login, loginPolicy.options).setCookie(cookie.name, id, cookie.options)
    const refusedThere = target?.project != null && isRefusedAt(target.project, { name: account.name, role: account.role, userId: account.id }, directory.gate(target.project.name)?.memberIds)
    // refused there: the GET says so (and a reload does not post the password again)
    return reply.redirect(refusedThere ? `/login?to=${encodeURIComponent(target.url)}` : target?.url ?? '/projects', 303)
  })

  app.post<{ Body: { to?: string } }>('/logout', { schema: { body: logoutBody } }, async (req, reply) => {
    const current = ctx.sessionOf(req)
    if (current !== null && sessions.end(current.id) !== null) audit('portal-logout', `${current.session.account.name} signed out of the portal`, req)
    const target = targetOf(req.body?.to)
    reply.clearCookie(cookie.name, cookie.options)
    return reply.redirect(target === null ? '/login' : `/login?to=${encodeURIComponent(target.url)}`, 303)
  })

  function refused (reply: FastifyReply, lang: Lang, current: PortalSession, project: string, to: string): FastifyReply {
    return sendHtml(reply, renderRefused({ lang, csrfToken: reply.generateCsrf(), account: current.session.account.name, project, to }), 403)
  }
}

/**
 * Browsers hold a form's POST to the page's `form-action` through its redirects too: the form
 * that sends the browser back to a project may go to that project's origin (already checked by
 * returnTarget: a host name and a port, nothing that could end the directive), and nowhere else.
 */
function allowFormRedirectTo (reply: FastifyReply, to: string): void {
  const policy = reply.getHeader('content-security-policy')
  if (typeof policy !== 'string') return
  reply.header('content-security-policy', policy.replace("form-action 'self'", `form-action 'self' ${new URL(to).origin}`))
}

function languageOf (req: FastifyRequest, reply: FastifyReply): Lang {
  const lang = negotiateLanguage(req.headers['accept-language'])
  // the same URL answers in either language: caches must key on the header
  reply.header('vary', 'accept-language').header('content-language', lang)
  return lang
}
