import type { AllocationAnswer, ProjectList } from '../contract/projects.js'
import { renderTable } from './format.js'

/**
 * `hall project list`: one row per project, then each hosting server's capacity and what is
 * left, then why each project in error is so (podman's own line), which is too long for a cell.
 */
export function renderProjectList (list: ProjectList): string {
  const parts: string[] = []
  if (list.projects.length === 0) parts.push('no projects (add one with: hall project add NAME ...)\n')
  else {
    parts.push(renderTable(
      ['NAME', 'CLIENT', 'HOST', 'SERVER', 'PORT', 'IMAGE', 'CPU', 'MEMORY', 'DISK', 'ACCESS', 'STATUS'],
      list.projects.map(p => [
        p.name, p.client, p.host, p.server, String(p.port), p.image, String(p.cpu), `${p.memory_mib} MiB`, `${p.disk_gib} GiB`, p.access, p.status
      ])
    ))
  }
  if (list.servers.length > 0) {
    parts.push('\n' + list.servers.map(s =>
      `${s.server} (${s.state ?? 'unknown'}): ${s.projects} project(s) hold ${allocation(s.allocated)} of ${allocation(s.capacity)}; left: ${allocation(s.remaining)}\n`
    ).join(''))
  }
  const failed = list.projects.filter(p => p.status === 'error' && p.status_reason !== null)
  if (failed.length > 0) parts.push('\n' + failed.map(p => `${p.name}: ${p.status_reason ?? ''}\n`).join(''))
  return parts.join('')
}

function allocation (a: AllocationAnswer): string {
  return `${a.cpu} CPU, ${a.memory_mib} MiB, ${a.disk_gib} GiB`
}
