import type { FastifyReply, FastifyRequest } from 'fastify'
import type {} from '@fastify/csrf-protection' // reply.generateCsrf(), registered by the auth scope
import type { Clock } from '../../clock.js'
import { HallError } from '../../errors.js'
import { hallTimeZone } from '../../energy/collect.js'
import { negotiateLanguage } from '../i18n.js'
import type { AdminAccount } from './session-types.js'
import type { AdminContext } from './views/context.js'

/** The signed-in account; the auth scope guarantees one, so its absence is refused rather than assumed. */
export function accountOf (req: FastifyRequest): AdminAccount {
  if (req.account == null) throw new HallError('HALL_ERR_ADMIN_LOGIN_REQUIRED', 'log in first')
  return req.account
}

/** Every change: a viewer may look at everything and change nothing. */
export function requireAdmin (req: FastifyRequest): AdminAccount {
  const account = accountOf(req)
  if (account.role !== 'admin') throw new HallError('HALL_ERR_ADMIN_FORBIDDEN', 'this account may only look, not change anything')
  return account
}

/** The page's language (announced in the answer), account, form token and clock. */
export function contextOf (req: FastifyRequest, reply: FastifyReply, clock: Clock): AdminContext {
  const lang = negotiateLanguage(req.headers['accept-language'])
  // the same URL answers in either language: caches must key on the header
  reply.header('vary', 'accept-language').header('content-language', lang)
  return { lang, account: accountOf(req), csrf: reply.generateCsrf(), timeZone: hallTimeZone(), nowMs: clock.now(), projects: req.projectPages === true }
}

export function sendHtml (reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
}

/** A script asking for the result as data (overview.js) rather than a page. */
export function wantsJson (req: FastifyRequest): boolean {
  return /\bapplication\/json\b/.test(req.headers.accept ?? '')
}

/** One form field as text; '' when absent. Forms never repeat a name: each checkbox has its own. */
export function field (body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value : ''
}
