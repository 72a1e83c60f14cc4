import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type {} from '@fastify/csrf-protection' // reply.generateCsrf(), registered by the portal scope
import { HallError } from '../../errors.js'
import type { Fleet, WakeTicket } from '../../lifecycle/fleet.js'
import { isServing, type Phase } from '../../lifecycle/states.js'
import type { ProjectDirectory } from '../../projects/directory.js'
import type { Project } from '../../projects/types.js'
import { sendHtml } from '../admin/page-context.js'
import { fill, negotiateLanguage } from '../i18n.js'
import { accountOf, type PortalRouteOptions, type PortalSession } from './portal-context.js'
import { mayReach, type PortalAccount } from './return-target.js'
import { portalMessages } from './views/strings.js'
import { renderPortalProjects, type PortalProjectRow } from './views/projects.js'

const outcomes = ['started', 'in-flight', 'already-up', 'refused'] as const satisfies ReadonlyArray<WakeTicket['outcome']>
const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 63 } } } as const
const doneQuery = { type: 'object', properties: { woke: { type: 'string', maxLength: 63 }, outcome: { type: 'string', enum: outcomes } } } as const
const wakeBody = { type: 'object', properties: { _csrf: { type: 'string' } } } as const
const html = { type: 'string' } as const

/**
 * `/projects`: the projects this session may reach (a client its own, an admin all), each with its
 * status, its server's state and its address, from the directory and the fleet in memory; and
 * `POST /projects/:name/wake`, the same wake as the admin's button, recorded under the account.
 */
export const portalProjects: FastifyPluginAsync<PortalRouteOptions> = async (app, { ctx }) => {
  const { directory, fleet, publicUrl } = ctx.opts

  app.get<{ Querystring: { woke?: string, outcome?: WakeTicket['outcome'] } }>('/projects', {
    schema: { querystring: doneQuery, response: { 200: html } }
  }, async (req, reply) => {
    const current = ctx.sessionOf(req)
    if (current === null) return reply.redirect('/login', 303)
    const lang = negotiateLanguage(req.headers['accept-language'])
    reply.header('vary', 'accept-language').header('content-language', lang)
    const account = accountOf(current)
    const rows = visibleProjects(directory, account).map(p => rowOf(p, fleet, publicUrl))
    // built from checked words only: a project this account sees and a known outcome
    const woke = rows.find(r => r.name === req.query.woke)
    const notice = woke === undefined || req.query.outcome === undefined
      ? null
      : fill(portalMessages[lang].woke[req.query.outcome], { project: woke.name })
    return sendHtml(reply, renderPortalProjects({ lang, csrfToken: reply.generateCsrf(), account: account.name, everyProject: account.role === 'admin', projects: rows, notice }))
  })

  app.post<{ Params: { name: string } }>('/projects/:name/wake', { schema: { params: nameParams, body: wakeBody } }, async (req, reply) => {
    const current = signedIn(req)
    const account = accountOf(current)
    const project = directory.get(req.params.name)
    // another client's project is answered as if it did not exist
    if (project === undefined || !mayReach(account, directory.gate(project.name)?.memberIds)) {
      throw new HallError('HALL_ERR_PROJECT_UNKNOWN', `no project named "${req.params.name}"`)
    }
    const w = fleet.wakeNow(project.server, 'api')
    audit(req, project, w)
    const query = new URLSearchParams({ woke: project.name, outcome: w.outcome })
    return reply.redirect(`/projects?${query.toString()}#project-${encodeURIComponent(project.name)}`, 303)
  })

  function signedIn (req: FastifyRequest): PortalSession {
    const current = ctx.sessionOf(req)
    if (current === null) throw new HallError('HALL_ERR_PROJECT_LOGIN_REQUIRED', 'sign in first')
    return current
  }

  function audit (req: FastifyRequest, project: Project, w: WakeTicket): void {
    const kind = `portal-wake${w.outcome === 'refused' ? '-refused' : ''}`
    const message = `${req.account?.name ?? '?'} asked for a wake of ${project.server} for project ${project.name}: ${w.outcome}${w.reason === null ? '' : ` (${w.reason})`}`
    // the wake's id only when this request started it: the audit then names the account on its row
    const row = w.outcome === 'started' && w.wakeId !== null ? { wakeId: w.wakeId } : { underWayWakeId: w.wakeId }
    ctx.audit(kind, message, req, { server: project.server, project: project.name, outcome: w.outcome, state: w.phase, ...row })
  }
}

/** A client's own projects; every project for an admin; none for anyone else. */
function visibleProjects (directory: ProjectDirectory, account: PortalAccount): readonly Project[] {
  if (account.role === 'admin') return directory.list()
  return account.role === 'client' ? directory.projectsOf(account.userId) : []
}

function rowOf (p: Project, fleet: Fleet, publicUrl: string): PortalProjectRow {
  const phase: Phase = fleet.lookup(p.host)?.phase ?? fleet.supervisor(p.server)?.state().phase ?? 'UNKNOWN'
  return { name: p.name, client: p.client, status: p.status, phase, address: projectAddress(p.host, publicUrl), canWake: !isServing(phase) }
}

/**
 * A project is served by the same proxy entry point as Hall's public host: its address takes
 * HALL_PUBLIC_URL's scheme and port (https://acme.example.com/ in production; the local test's
 * plain-http port otherwise).
 */
export function projectAddress (host: string, publicUrl: string): string {
  const u = new URL(publicUrl)
  return `${u.protocol}//${host}${u.port === '' ? '' : `:${u.port}`}/`
}
