import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { httpStatusOf, isHallError } from '../../../errors.js'
import { fill } from '../../i18n.js'
import { contextOf, field, requireAdmin, sendHtml } from '../page-context.js'
import type { AdminPageDeps } from '../pages.js'
import type { ProjectDeps } from '../../project-deps.js'
import type { Role } from '../session-types.js'
import { renderAccountsPage, type AccountProjects, type AccountsModel } from '../views/accounts.js'
import { renderConfirmPage } from '../views/confirm.js'
import { adminMessages } from '../views/strings.js'
import { problemOf } from './keys.js'

const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 64 } } } as const
const addBody = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 64 }, role: { type: 'string', enum: ['admin', 'viewer', 'client'] }, password: { type: 'string', maxLength: 1024 } }
} as const
const passwordBody = { type: 'object', properties: { password: { type: 'string', maxLength: 1024 } } } as const
const confirmBody = { type: 'object', properties: { confirm: { type: 'string', maxLength: 8 } } } as const
const doneQuery = { type: 'object', properties: { added: { type: 'string', maxLength: 64 }, removed: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 64 } } } as const
const html = { type: 'string' } as const
// what a removed account's name looked like: the notice names only such a word
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

type Done = { added?: string, removed?: string, password?: string }

/** `/admin/accounts`, admins only (a viewer's GET is refused too): through the directory the auth side keeps. */
export function accountRoutes (app: FastifyInstance, deps: AdminPageDeps): void {
  const { accounts, clock } = deps

  function page (req: FastifyRequest, reply: FastifyReply, model: Omit<AccountsModel, 'accounts' | 'projects'>, status = 200): FastifyReply {
    const ctx = contextOf(req, reply, clock)
    const projects = deps.projects === undefined ? {} : { projects: accountProjects(deps.projects) }
    return sendHtml(reply, renderAccountsPage({ ...model, ...projects, accounts: accounts.list() }, ctx), status)
  }

  /** Renders the page with why `err` was refused, or rethrows what no one can fix from a form. */
  function refused (req: FastifyRequest, reply: FastifyReply, err: unknown, model: Omit<AccountsModel, 'accounts' | 'projects'> = {}): FastifyReply {
    const lang = contextOf(req, reply, clock).lang
    const problem = problemOf(err, adminMessages[lang].accounts.errors)
    if (problem === null || !isHallError(err)) throw err
    return page(req, reply, { ...model, problem }, httpStatusOf(err.code))
  }

  app.get<{ Querystring: Done }>('/accounts', { schema: { querystring: doneQuery, response: { 200: html } } }, async (req, reply) => {
    requireAdmin(req)
    const t = adminMessages[contextOf(req, reply, clock).lang].accounts
    const names = new Set(accounts.list().map(a => a.name))
    const q = req.query
    // said only of what is so: a crafted link cannot make the page claim anything else
    const notice = q.added !== undefined && names.has(q.added)
      ? fill(t.added, { name: q.added })
      : q.password !== undefined && names.has(q.password)
        ? fill(t.passwordSet, { name: q.password })
        : q.removed !== undefined && PLAIN_NAME.test(q.removed) && !names.has(q.removed) ? fill(t.removed, { name: q.removed }) : null
    return page(req, reply, { notice })
  })

  app.post<{ Body: Record<string, unknown> }>('/accounts', { schema: { body: addBody } }, async (req, reply) => {
    const me = requireAdmin(req)
    const name = field(req.body, 'name').trim()
    const role = roleOf(field(req.body, 'role'), deps.projects !== undefined)
    // one box per project: project_<name>, a project name being a DNS label
    const chosen = (deps.projects?.service.list() ?? []).map(p => p.name).filter(p => field(req.body, `project_${p}`) !== '')
    const form = { name, role, projects: chosen }
    if (role !== 'client' && chosen.length > 0) {
      return page(req, reply, { form, problem: adminMessages[contextOf(req, reply, clock).lang].accounts.errors.projectsForClients }, 400)
    }
    try {
      await accounts.add(name, role, field(req.body, 'password'))
    } catch (err) {
      return refused(req, reply, err, { form })
    }
    deps.audit('account-added', `${me.name} added the ${role} account ${name}`, req, { name, role, ...(chosen.length > 0 ? { projects: chosen } : {}) })
    const failed = giveProjects(deps.projects, name, chosen, me.name)
    if (failed !== null) {
      const t = adminMessages[contextOf(req, reply, clock).lang].accounts
      return page(req, reply, { notice: fill(t.added, { name }), problem: fill(t.errors.membership, failed) }, 409)
    }
    return reply.code(303).header('location', `/admin/accounts?added=${encodeURIComponent(name)}`).send()
  })

  app.post<{ Params: { name: string }, Body: { confirm?: string } }>('/accounts/:name/remove', { schema: { params: nameParams, body: confirmBody } }, async (req, reply) => {
    const me = requireAdmin(req)
    const name = req.params.name
    const ctx = contextOf(req, reply, clock)
    const t = adminMessages[ctx.lang].accounts
    // the last admin cannot lock everyone out: an account never removes itself
    if (name === me.name) return page(req, reply, { problem: t.errors.self }, 409)
    if (!accounts.list().some(a => a.name === name)) return page(req, reply, { problem: t.errors.HALL_ERR_ACCOUNT_UNKNOWN }, 404)
    if (field(req.body, 'confirm') !== 'yes') {
      return sendHtml(reply, renderConfirmPage(ctx, {
        section: 'accounts',
        question: fill(t.confirmRemove, { name }),
        action: `/admin/accounts/${encodeURIComponent(name)}/remove`,
        submit: fill(t.removeLabel, { name }),
        cancelHref: '/admin/accounts'
      }))
    }
    try {
      // through the projects' directory first, so the gate and the project pages forget the account with it
      if (deps.projects !== undefined) takeProjects(deps.projects, name, me.name)
      accounts.remove(name)
    } catch (err) {
      return refused(req, reply, err)
    }
    deps.audit('account-removed', `${me.name} removed the account ${name}`, req, { name })
    return reply.code(303).header('location', `/admin/accounts?removed=${encodeURIComponent(name)}`).send()
  })

  // no confirmation page: typing the new password is the deliberate act, and a password never goes into a page
  app.post<{ Params: { name: string }, Body: Record<string, unknown> }>('/accounts/:name/password', { schema: { params: nameParams, body: passwordBody } }, async (req, reply) => {
    const me = requireAdmin(req)
    const name = req.params.name
    try {
      await accounts.setPassword(name, field(req.body, 'password'), deps.askingSession?.(req) ?? null)
    } catch (err) {
      return refused(req, reply, err)
    }
    deps.audit('account-password-changed', `${me.name} set a new password for ${name}`, req, { name })
    return reply.code(303).header('location', `/admin/accounts?password=${encodeURIComponent(name)}`).send()
  })
}

function roleOf (text: string, clients: boolean): Role {
  if (text === 'admin') return 'admin'
  return text === 'client' && clients ? 'client' : 'viewer'
}

/** Every project's name, and the projects each client account has. */
function accountProjects ({ service, directory }: ProjectDeps): AccountProjects {
  const byAccount = new Map<string, string[]>()
  const names = service.list().map(p => p.name)
  for (const name of names) {
    for (const m of directory.members(name)) {
      const key = m.userName.toLowerCase()
      byAccount.set(key, [...(byAccount.get(key) ?? []), name])
    }
  }
  return { names, byAccount }
}

/** Gives a new client account its projects; the first refusal, if any (the account exists by then). */
function giveProjects (projects: ProjectDeps | undefined, account: string, chosen: readonly string[], by: string): { project: string, reason: string } | null {
  for (const project of chosen) {
    try {
      projects?.service.addMember(project, account, by)
    } catch (err) {
      if (!isHallError(err)) throw err
      return { project, reason: err.message }
    }
  }
  return null
}

function takeProjects ({ service, directory }: ProjectDeps, account: string, by: string): void {
  for (const p of service.list()) {
    if (directory.members(p.name).some(m => m.userName.toLowerCase() === account.toLowerCase())) service.removeMember(p.name, account, by)
  }
}
