import type { ConfigProblem } from '../config/issues.js'
import type { HallConfig } from '../config/types.js'
import { isWithin } from '../config/env.js'
import { HallError } from '../errors.js'
import { assertFits, remaining } from './capacity.js'
import { formatAllocation } from './spec.js'
import type { Project, ProjectSpec } from './types.js'

export interface ProjectRulesContext {
  /** domains.json as loaded: its own domains, never the projects'. */
  readonly config: HallConfig
  /** Every other project (the one being edited left out). */
  readonly others: readonly Project[]
  /** Hall's own host (HALL_PUBLIC_URL). */
  readonly publicHost: string
  readonly cookieDomain: string | null
}

/**
 * What a project must agree with beyond its own fields: a server that hosts projects, a host
 * nobody else has, a port free on that server, a cookie domain for members, and the capacity.
 * Throws HALL_ERR_PROJECT_CONFLICT, HALL_ERR_PROJECT_INVALID or HALL_ERR_PROJECT_CAPACITY.
 */
export function checkProject (spec: ProjectSpec, ctx: ProjectRulesContext): void {
  const server = ctx.config.servers.get(spec.server)
  if (server === undefined) {
    throw new HallError('HALL_ERR_PROJECT_INVALID', `server: no server named "${spec.server}" in domains.json`)
  }
  if (server.projects === null) {
    throw new HallError('HALL_ERR_PROJECT_INVALID', `server: ${spec.server} hosts no projects: give it "capacity" and "podman" in domains.json`)
  }
  if (spec.host === ctx.publicHost) throw conflict(`host: ${spec.host} is Hall's own host`)
  if (ctx.config.domains.has(spec.host)) throw conflict(`host: ${spec.host} is a domain of domains.json`)
  const sameName = ctx.others.find(p => p.name === spec.name)
  if (sameName !== undefined) throw conflict(`name: a project named "${spec.name}" already exists`)
  const sameHost = ctx.others.find(p => p.host === spec.host)
  if (sameHost !== undefined) throw conflict(`host: ${spec.host} is already project ${sameHost.name}'s`)
  const samePort = ctx.others.find(p => p.server === spec.server && p.port === spec.port)
  if (samePort !== undefined) throw conflict(`port: project ${samePort.name} already publishes port ${spec.port} on ${spec.server}`)
  if (spec.access === 'members') {
    if (ctx.cookieDomain === null) {
      throw new HallError('HALL_ERR_PROJECT_INVALID', 'access: "members" needs HALL_COOKIE_DOMAIN, the parent domain the portal\'s login cookie is sent to')
    }
    if (!isWithin(spec.host, ctx.cookieDomain)) {
      throw new HallError('HALL_ERR_PROJECT_INVALID', `access: "members" needs a host under HALL_COOKIE_DOMAIN (${ctx.cookieDomain}), so the portal's login reaches it; ${spec.host} is not`)
    }
  }
  const onServer = ctx.others.filter(p => p.server === spec.server).map(p => p.allocation)
  assertFits(spec.server, server.projects.capacity, onServer, spec.allocation)
}

/**
 * What a new domains.json must not do to the projects: drop or stop hosting a server that has
 * some, shrink its capacity below what they hold, or take a project's host for a domain.
 * Each problem names the field and the reason; the reload is refused and the old config stays.
 */
export function configProblemsWithProjects (config: HallConfig, projects: readonly Project[]): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  const byServer = new Map<string, Project[]>()
  for (const p of projects) byServer.set(p.server, [...(byServer.get(p.server) ?? []), p])
  for (const [name, hosted] of byServer) {
    const names = hosted.map(p => p.name).join(', ')
    const server = config.servers.get(name)
    if (server === undefined) { problems.push({ path: `servers.${name}`, message: `still hosts project(s) ${names}: remove them first` }); continue }
    if (server.projects === null) { problems.push({ path: `servers.${name}`, message: `still hosts project(s) ${names}: keep its "capacity" and "podman"` }); continue }
    const left = remaining(server.projects.capacity, hosted.map(p => p.allocation))
    if (left.cpu < 0 || left.memoryMib < 0 || left.diskGib < 0) {
      problems.push({ path: `servers.${name}.capacity`, message: `${formatAllocation(server.projects.capacity)} is less than its projects hold` })
    }
  }
  for (const p of projects) {
    if (config.domains.has(p.host)) problems.push({ path: `domains["${p.host}"]`, message: `is project ${p.name}'s host: remove the project or choose another host` })
  }
  return problems
}

function conflict (message: string): HallError {
  return new HallError('HALL_ERR_PROJECT_CONFLICT', message)
}
