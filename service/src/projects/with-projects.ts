import type { DomainConfig, HallConfig } from '../config/types.js'
import type { Project } from './types.js'

/**
 * domains.json's config with each project's host added as one more domain of its server: the
 * fleet's domain map, and so forward-auth, serve project hosts like any other. A project whose
 * server or host clashes with the file (a reload refused that) is left out rather than trusted.
 */
export function withProjects (file: HallConfig, projects: readonly Project[]): HallConfig {
  if (projects.length === 0) return file
  const domains = new Map(file.domains)
  for (const p of projects) {
    const server = file.servers.get(p.server)
    if (server === undefined || domains.has(p.host)) continue
    domains.set(p.host, projectDomain(p, server.ip))
  }
  return Object.freeze({ ...file, domains })
}

function projectDomain (p: Project, ip: string): DomainConfig {
  return Object.freeze({
    host: p.host,
    server: p.server,
    upstream: `http://${ip}:${p.port}`,
    // the home page lists the company's own sites; clients find theirs on the portal
    listed: false,
    wakeOn: 'browser',
    ignoreUserAgents: [],
    insecureTls: false,
    project: p.name
  })
}
