import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Allocation } from '../../../config/types.js'
import type { Phase } from '../../../lifecycle/states.js'
import { remaining } from '../../../projects/capacity.js'
import { fill } from '../../i18n.js'
import type { ProjectDeps } from '../../project-deps.js'
import { contextOf, requireAdmin, sendHtml } from '../page-context.js'
import type { AdminPageDeps } from '../pages.js'
import { renderProjectsPage, type HostingRow, type ProjectsModel } from '../views/projects.js'
import { adminMessages } from '../views/strings.js'
import { projectFormBody, projectInput, projectRefusal, readProjectForm } from './project-form.js'

const listQuery = { type: 'object', properties: { removed: { type: 'string', maxLength: 64 } } } as const
const html = { type: 'string' } as const
// what a project's name looks like (projects/spec.ts): the notice names only such a word
const PROJECT_NAME = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/

/** `/admin/projects`: the list and the capacity for everyone, creation for admins. */
export function projectListRoutes (app: FastifyInstance, deps: AdminPageDeps, projects: ProjectDeps): void {
  const { fleet, clock } = deps
  const { service } = projects

  function phases (): Map<string, Phase> {
    const found = new Map<string, Phase>()
    for (const name of fleet.config().servers.keys()) {
      const phase = fleet.supervisor(name)?.state().phase
      if (phase !== undefined) found.set(name, phase)
    }
    return found
  }

  function hosting (known: ReadonlyMap<string, Phase>): HostingRow[] {
    const all = service.list()
    return [...fleet.config().servers.values()].flatMap(server => {
      if (server.projects === null) return []
      const held = all.filter(p => p.server === server.name).map(p => p.allocation)
      const capacity = server.projects.capacity
      const left = remaining(capacity, held)
      return [{ server: server.name, phase: known.get(server.name) ?? null, capacity, allocated: difference(capacity, left), remaining: left }]
    })
  }

  function page (req: FastifyRequest, reply: FastifyReply, model: Pick<ProjectsModel, 'form' | 'notice' | 'problem'>, status = 200): FastifyReply {
    const ctx = contextOf(req, reply, clock)
    const known = phases()
    return sendHtml(reply, renderProjectsPage({ ...model, projects: service.list(), hosting: hosting(known), phases: known }, ctx), status)
  }

  app.get<{ Querystring: { removed?: string } }>('/projects', { schema: { querystring: listQuery, response: { 200: html } } }, async (req, reply) => {
    const t = adminMessages[contextOf(req, reply, clock).lang].projects
    const removed = req.query.removed
    const p = removed === undefined ? undefined : service.get(removed)
    // said only of what is so: a crafted link cannot make the page claim anything else
    const notice = removed === undefined
      ? null
      : p?.status === 'removing'
        ? fill(t.removing, { name: p.name })
        : p === undefined && PROJECT_NAME.test(removed) ? fill(t.removed, { name: removed }) : null
    return page(req, reply, { notice })
  })

  app.post<{ Body: Record<string, unknown> }>('/projects', { schema: { body: projectFormBody } }, async (req, reply) => {
    const me = requireAdmin(req)
    const form = readProjectForm(req.body)
    try {
      const created = service.create(projectInput(form), me.name)
      return reply.code(303).header('location', `/admin/projects/${encodeURIComponent(created.name)}?created=1`).send()
    } catch (err) {
      const refusal = projectRefusal(err)
      if (refusal === null) throw err
      return page(req, reply, { form, problem: refusal.message }, refusal.status)
    }
  })
}

/** What the projects hold: the capacity less what is left (both in thousandths of a core already). */
function difference (capacity: Allocation, left: Allocation): Allocation {
  return {
    cpu: Math.round(capacity.cpu * 1000 - left.cpu * 1000) / 1000,
    memoryMib: capacity.memoryMib - left.memoryMib,
    diskGib: capacity.diskGib - left.diskGib
  }
}
