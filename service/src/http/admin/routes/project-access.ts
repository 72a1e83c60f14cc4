import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { MAX_PEM_BYTES } from '../../../projects/certificate.js'
import { fill } from '../../i18n.js'
import type { ProjectDeps } from '../../project-deps.js'
import { contextOf, field, requireAdmin, sendHtml } from '../page-context.js'
import type { AdminPageDeps } from '../pages.js'
import { renderConfirmPage } from '../views/confirm.js'
import { adminMessages } from '../views/strings.js'
import { projectNamed, projectPageRenderer, projectParams, type ProjectPageExtras } from './project.js'
import { projectRefusal } from './project-form.js'

const memberParams = {
  type: 'object',
  required: ['name', 'account'],
  properties: { name: { type: 'string', maxLength: 64 }, account: { type: 'string', maxLength: 64 } }
} as const
const certificateParams = {
  type: 'object',
  required: ['name', 'id'],
  properties: { name: { type: 'string', maxLength: 64 }, id: { type: 'string', pattern: '^[0-9]{1,15}$' } }
} as const
const memberBody = { type: 'object', properties: { account: { type: 'string', maxLength: 64 } } } as const
const pemBody = { type: 'object', properties: { pem: { type: 'string', maxLength: MAX_PEM_BYTES } } } as const
const confirmBody = { type: 'object', properties: { confirm: { type: 'string', maxLength: 8 } } } as const

/**
 * Who passes a project's gate: its client accounts, and (for a certificate project) the holders of
 * its registered certificates. Admins only; every refusal comes back on the project's page.
 */
export function projectAccessRoutes (app: FastifyInstance, deps: AdminPageDeps, projects: ProjectDeps): void {
  const { clock } = deps
  const { service } = projects
  const page = projectPageRenderer(deps, projects)
  const back = (name: string, query: string): string => `/admin/projects/${encodeURIComponent(name)}?${query}`

  /** Runs a change; a refusal the admin can act on is shown on the project's page, with `extras`. */
  function attempt (req: FastifyRequest, reply: FastifyReply, name: string, change: () => string, extras: ProjectPageExtras = {}): FastifyReply {
    let location: string
    try {
      location = change()
    } catch (err) {
      const refusal = projectRefusal(err)
      if (refusal === null) throw err
      return page(req, reply, projectNamed(projects, name), { ...extras, problem: refusal.message }, refusal.status)
    }
    return reply.code(303).header('location', location).send()
  }

  app.post<{ Params: { name: string }, Body: Record<string, unknown> }>('/projects/:name/members', { schema: { params: projectParams, body: memberBody } }, async (req, reply) => {
    const me = requireAdmin(req)
    const p = projectNamed(projects, req.params.name)
    const account = field(req.body, 'account').trim()
    return attempt(req, reply, p.name, () => {
      service.addMember(p.name, account, me.name)
      return back(p.name, `member=${encodeURIComponent(account)}`)
    })
  })

  app.post<{ Params: { name: string, account: string }, Body: Record<string, unknown> }>('/projects/:name/members/:account/remove', { schema: { params: memberParams, body: confirmBody } }, async (req, reply) => {
    const me = requireAdmin(req)
    const p = projectNamed(projects, req.params.name)
    const account = req.params.account
    if (field(req.body, 'confirm') !== 'yes') {
      const ctx = contextOf(req, reply, clock)
      const t = adminMessages[ctx.lang].projects
      const names = { account, name: p.name }
      return sendHtml(reply, renderConfirmPage(ctx, {
        section: 'projects',
        question: fill(t.confirmRemoveMember, names),
        action: `/admin/projects/${encodeURIComponent(p.name)}/members/${encodeURIComponent(account)}/remove`,
        submit: fill(t.removeMemberLabel, names),
        cancelHref: `/admin/projects/${encodeURIComponent(p.name)}`
      }))
    }
    return attempt(req, reply, p.name, () => {
      service.removeMember(p.name, account, me.name)
      return back(p.name, `unmember=${encodeURIComponent(account)}`)
    })
  })

  app.post<{ Params: { name: string }, Body: Record<string, unknown> }>('/projects/:name/certificates', { schema: { params: projectParams, body: pemBody } }, async (req, reply) => {
    const me = requireAdmin(req)
    const p = projectNamed(projects, req.params.name)
    const pem = field(req.body, 'pem')
    // a private key pasted by mistake is refused, and never written back into a page
    const kept = /PRIVATE KEY/.test(pem) ? '' : pem
    return attempt(req, reply, p.name, () => {
      const cert = service.addCertificate(p.name, pem, me.name)
      return back(p.name, `certificate=${cert.id}`)
    }, { pem: kept })
  })

  app.post<{ Params: { name: string, id: string }, Body: Record<string, unknown> }>('/projects/:name/certificates/:id/revoke', { schema: { params: certificateParams, body: confirmBody } }, async (req, reply) => {
    const me = requireAdmin(req)
    const p = projectNamed(projects, req.params.name)
    const id = Number(req.params.id)
    const cert = projects.directory.certificates(p.name).find(c => c.id === id)
    if (field(req.body, 'confirm') !== 'yes' && cert !== undefined) {
      const ctx = contextOf(req, reply, clock)
      const t = adminMessages[ctx.lang].projects
      return sendHtml(reply, renderConfirmPage(ctx, {
        section: 'projects',
        question: fill(t.confirmRevoke, { subject: cert.subject }),
        action: `/admin/projects/${encodeURIComponent(p.name)}/certificates/${id}/revoke`,
        submit: fill(t.revokeLabel, { subject: cert.subject }),
        cancelHref: `/admin/projects/${encodeURIComponent(p.name)}`
      }))
    }
    return attempt(req, reply, p.name, () => {
      service.revokeCertificate(p.name, id, me.name)
      return back(p.name, `revoked=${id}`)
    })
  })
}
