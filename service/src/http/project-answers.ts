import type { Allocation, HallConfig } from '../config/types.js'
import type { AllocationAnswer, HostingServer, ProjectAnswer, ProjectOperationAnswer } from '../contract/projects.js'
import type { Phase } from '../lifecycle/states.js'
import { remaining } from '../projects/capacity.js'
import { specInput } from '../projects/spec.js'
import type { Project } from '../projects/types.js'
import type { ProjectOperation } from '../store/index.js'

/** The API's words for projects (contract/projects.ts), from what the directory and the store hold. */

const iso = (at: number): string => new Date(at).toISOString()
const isoOrNull = (at: number | null): string | null => at === null ? null : iso(at)

export function allocationJson (a: Allocation): AllocationAnswer {
  return { cpu: a.cpu, memory_mib: a.memoryMib, disk_gib: a.diskGib }
}

export function projectJson (p: Project, members: readonly string[]): ProjectAnswer {
  // the spec in the API's words (container_port always set), then what Hall records
  const { container_port: containerPort, ...spec } = specInput(p)
  return {
    ...spec,
    container_port: containerPort ?? p.port,
    access: p.access,
    status: p.status,
    status_reason: p.statusReason,
    // Traefik publishes every project on its websecure entry point (traefik/render.ts)
    url: `https://${p.host}/`,
    members: [...members],
    created_at: iso(p.createdAt),
    created_by: p.createdBy,
    updated_at: iso(p.updatedAt),
    updated_by: p.updatedBy
  }
}

export function operationJson (op: ProjectOperation): ProjectOperationAnswer {
  return {
    id: op.id,
    action: op.action,
    requested_at: iso(op.requestedAt),
    requested_by: op.requestedBy,
    wake_id: op.wakeId,
    started_at: isoOrNull(op.startedAt),
    finished_at: isoOrNull(op.finishedAt),
    outcome: op.outcome,
    exit_code: op.exitCode,
    stderr: op.stderr,
    error_message: op.errorMessage
  }
}

/** Every server of `config` that hosts projects (and `shown` lets through), by name, with what is left of it. */
export function hostingServers (config: HallConfig, projects: readonly Project[], phaseOf: (server: string) => Phase | null, shown: (server: string) => boolean): HostingServer[] {
  const rows: HostingServer[] = []
  for (const server of [...config.servers.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (server.projects === null || !shown(server.name)) continue
    const held = projects.filter(p => p.server === server.name).map(p => p.allocation)
    const capacity = server.projects.capacity
    const left = remaining(capacity, held)
    rows.push({
      server: server.name,
      state: phaseOf(server.name),
      capacity: allocationJson(capacity),
      allocated: allocationJson(total(held)),
      remaining: allocationJson(left),
      projects: held.length
    })
  }
  return rows
}

/** The sum of allocations, CPU counted in thousandths like capacity.ts (0.1 + 0.2 is 0.3). */
function total (held: readonly Allocation[]): Allocation {
  const none = remaining({ cpu: 0, memoryMib: 0, diskGib: 0 }, held)
  return { cpu: 0 - none.cpu, memoryMib: 0 - none.memoryMib, diskGib: 0 - none.diskGib }
}
