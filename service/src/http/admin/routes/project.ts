import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HallError } from '../../../errors.js'
import type { Project } from '../../../projects/types.js'
import { fill } from '../../i18n.js'
import type { ProjectDeps } from '../../project-deps.js'
import { contextOf, field, requireAdmin, sendHtml } from '../page-context.js'
import type { AdminPageDeps } from '../pages.js'
import { renderConfirmPage } from '../views/confirm.js'
import { renderProjectPage, type ProjectPageModel } from '../views/project.js'
import { adminMessages } from '../views/strings.js'
import { projectFormBody, projectInput, projectRefusal, readProjectForm } from './project-form.js'

/** Pod operations listed on a project's page. */
export const RECENT_OPERATIONS = 10

export const projectParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 64 } } } as const
const pageQuery = {
  type: 'object',
  properties: {
    created: { type: 'string', maxLength: 8 },
    changed: { type: 'string', maxLength: 8 },
    member: { type: 'string', maxLength: 64 },
    unmember: { type: 'string', maxLength: 64 },
    certificate: { type: 'string', maxLength: 16 },
    revoked: { type: 'string', maxLength: 16 }
  }
} as const
const removeBody = { type: 'object', properties: { confirm: { type: 'string', maxLength: 8 }, force: { type: 'string', maxLength: 8 } } } as const
const html = { type: 'string' } as const

type PageQuery = Partial<Record<'created' | 'changed' | 'member' | 'unmember' | 'certificate' | 'revoked', string>>
export type ProjectPageExtras = Pick<ProjectPageModel, 'form' | 'pem' | 'notice' | 'problem'>
export type ProjectPage = (req: FastifyRequest, reply: FastifyReply, project: Project, extras?: ProjectPageExtras, status?: number) => FastifyReply

/** Renders a project's page, read from memory (the directory) but for its last few pod operations. */
export function projectPageRenderer (deps: AdminPageDeps, { directory, service }: ProjectDeps): ProjectPage {
  return (req, reply, project, extras = {}, status = 200) => {
    const ctx = contextOf(req, reply, deps.clock)
    const members = directory.members(project.name)
    const have = new Set(members.map(m => m.userName.toLowerCase()))
    const candidates = deps.accounts.list().filter(a => a.role === 'client' && !have.has(a.name.toLowerCase())).map(a => a.name)
    return sendHtml(reply, renderProjectPage({
      ...extras,
      project,
      serverPhase: deps.fleet.supervisor(project.server)?.state().phase ?? null,
      members,
      candidates,
      certificates: directory.certificates(project.name),
      operations: service.recentOperations(project.name, RECENT_OPERATIONS)
    }, ctx), status)
  }
}

/** The project, or the error handler's 404. */
export function projectNamed (projects: ProjectDeps, name: string): Project {
  const p = projects.service.get(name)
  if (p === undefined) throw new HallError('HALL_ERR_PROJECT_UNKNOWN', `no project named "${name}"`)
  return p
}

/** `/admin/projects/:name`: the page for everyone; edit and remove for admins. */
export function projectRoutes (app: FastifyInstance, deps: AdminPageDeps, projects: ProjectDeps): void {
  const { clock } = deps
  const { service, directory } = projects
  const page = projectPageRenderer(deps, projects)

  app.get<{ Params: { name: string }, Querystring: PageQuery }>('/projects/:name', { schema: { params: projectParams, querystring: pageQuery, response: { 200: html } } }, async (req, reply) => {
    const p = projectNamed(projects, req.params.name)
    const t = adminMessages[contextOf(req, reply, clock).lang].projects
    const q = req.query
    const members = directory.members(p.name).map(m => m.userName.toLowerCase())
    const certs = directory.certificates(p.name)
    const cert = (id: string | undefined): typeof certs[number] | undefined => certs.find(c => String(c.id) === id)
    // each notice only when what it says is so: a crafted link cannot make the page claim anything else
    const notice = q.created !== undefined
      ? fill(t.created, { name: p.name, server: p.server })
      : q.changed !== undefined
        ? fill(p.status === 'provisioning' ? t.replaying : t.changed, { name: p.name })
        : q.member !== undefined && members.includes(q.member.toLowerCase())
          ? fill(t.memberAdded, { account: q.member })
          : q.unmember !== undefined && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(q.unmember) && !members.includes(q.unmember.toLowerCase())
            ? fill(t.memberRemoved, { account: q.unmember })
            : cert(q.certificate)?.revokedAt === null
              ? fill(t.certificateAdded, { subject: cert(q.certificate)!.subject })
              : cert(q.revoked)?.revokedAt != null ? fill(t.certificateRevoked, { subject: cert(q.revoked)!.subject }) : null
    return page(req, reply, p, { notice })
  })

  app.post<{ Params: { name: string }, Body: Record<string, unknown> }>('/projects/:name', { schema: { params: projectParams, body: projectFormBody } }, async (req, reply) => {
    const me = requireAdmin(req)
    const p = projectNamed(projects, req.params.name)
    const form = readProjectForm(req.body)
    try {
      // name and server are not the form's to change: they come from the project
      service.edit(p.name, projectInput(form, ['client', 'host', 'port', 'container_port', 'image', 'cpu', 'memory_mib', 'disk_gib', 'access']), me.name)
    } catch (err) {
      const refusal = projectRefusal(err)
      if (refusal === null) throw err
      return page(req, reply, projectNamed(projects, p.name), { form: { ...form, name: p.name, server: p.server }, problem: refusal.message }, refusal.status)
    }
    return reply.code(303).header('location', `/admin/projects/${encodeURIComponent(p.name)}?changed=1`).send()
  })

  app.post<{ Params: { name: string }, Body: Record<string, unknown> }>('/projects/:name/remove', { schema: { params: projectParams, body: removeBody } }, async (req, reply) => {
    const me = requireAdmin(req)
    const p = projectNamed(projects, req.params.name)
    const force = field(req.body, 'force') === 'yes'
    if (field(req.body, 'confirm') !== 'yes') {
      const ctx = contextOf(req, reply, clock)
      const t = adminMessages[ctx.lang].projects
      return sendHtml(reply, renderConfirmPage(ctx, {
        section: 'projects',
        question: fill(force ? t.confirmForce : t.confirmRemove, { name: p.name }),
        action: `/admin/projects/${encodeURIComponent(p.name)}/remove`,
        fields: force ? { force: 'yes' } : {},
        submit: fill(t.removeLabel, { name: p.name }),
        cancelHref: `/admin/projects/${encodeURIComponent(p.name)}`
      }))
    }
    try {
      service.remove(p.name, me.name, { force })
    } catch (err) {
      const refusal = projectRefusal(err)
      if (refusal === null) throw err
      return page(req, reply, p, { problem: refusal.message }, refusal.status)
    }
    return reply.code(303).header('location', `/admin/projects?removed=${encodeURIComponent(p.name)}`).send()
  })
}
