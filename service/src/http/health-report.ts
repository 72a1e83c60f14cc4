import type { HallConfig, ServerConfig } from '../config/types.js'
import type { HealthReport, ServerHealth } from '../contract/health.js'
import { windowAt } from '../lifecycle/schedule.js'
import { isServing, type Phase } from '../lifecycle/states.js'
import type { WakeRecord } from '../store/index.js'

/** What the health answer is built from: all in memory, nothing read from the database. */
export interface HealthInputs {
  readonly config: HallConfig
  readonly phaseOf: (server: string) => Phase
  readonly latestWake: (server: string) => WakeRecord | null
  readonly now: number
  readonly version: string
  readonly startedAt: number
  readonly configLoadedAt: number | null
  /** Writes waiting in memory because another process holds the database's lock. */
  readonly queuedWrites: number
}

/** Whether `phase` is what the server's policy wants at `now`; the problem in words when not. */
export function judgeServer (server: ServerConfig, phase: Phase, latestWake: WakeRecord | null, now: number): ServerHealth {
  const verdict = (problem: string | null): ServerHealth => problem === null
    ? { state: phase, policy: server.policy, healthy_for_its_policy: true }
    : { state: phase, policy: server.policy, healthy_for_its_policy: false, problem }
  // UNKNOWN: not probed yet (Hall just started); nothing is known to be wrong
  if (isServing(phase) || phase === 'UNKNOWN') return verdict(null)
  // a wake that failed counts until the server serves again: the next request or wake may fix it
  if (latestWake !== null && (latestWake.outcome === 'failed' || latestWake.outcome === 'timeout')) {
    return verdict(`its last wake ${latestWake.outcome === 'failed' ? 'failed' : 'timed out'}`)
  }
  switch (server.policy) {
    case 'always_on':
      return verdict('an always_on server that is not serving')
    case 'scheduled':
      // outside its windows a scheduled server is meant to sleep; inside, it is meant to serve
      if (server.schedule !== null && windowAt(server.schedule, now) !== null) return verdict('inside its schedule window and not serving')
      return verdict(null)
    case 'on_demand':
      return verdict(null) // asleep is its normal state
  }
}

/** The /api/health answer: `degraded` as soon as one server is not as its policy wants. */
export function buildHealthReport (inputs: HealthInputs): HealthReport {
  const servers: Record<string, ServerHealth> = {}
  for (const server of inputs.config.servers.values()) {
    servers[server.name] = judgeServer(server, inputs.phaseOf(server.name), inputs.latestWake(server.name), inputs.now)
  }
  const degraded = Object.values(servers).some(s => !s.healthy_for_its_policy)
  return {
    status: degraded ? 'degraded' : 'ok',
    hall: {
      version: inputs.version,
      uptime_seconds: Math.round((inputs.now - inputs.startedAt) / 1000),
      ...(inputs.configLoadedAt === null ? {} : { config_loaded_at: new Date(inputs.configLoadedAt).toISOString() }),
      database: inputs.queuedWrites === 0 ? 'ok' : 'waiting',
      queued_writes: inputs.queuedWrites
    },
    servers
  }
}
