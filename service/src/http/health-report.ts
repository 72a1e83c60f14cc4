import type { HallConfig, ScheduleConfig, ServerConfig } from '../config/types.js'
import type { HealthReport, ServerHealth } from '../contract/health.js'
import { nextOpening, windowAt } from '../lifecycle/schedule.js'
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
  /** Whether a schedule is open at `now`; createWindowMemo() answers from memory between openings and closings. */
  readonly isWindowOpen?: WindowCheck
}

export type WindowCheck = (schedule: ScheduleConfig, now: number) => boolean

const computeWindowOpen: WindowCheck = (schedule, now) => windowAt(schedule, now) !== null

/**
 * windowAt costs about 0.4 ms (time zones through Intl): 1000 scheduled servers would hold the
 * event loop that answers forward-auth for 0.4 s per health call. The answer holds until the
 * window's next opening or closing, so it is computed once per change. Keyed by the frozen
 * schedule object: a reload brings new ones, and the old ones are collected.
 */
export function createWindowMemo (): WindowCheck {
  const memo = new WeakMap<ScheduleConfig, { open: boolean, from: number, until: number }>()
  return (schedule, now) => {
    const known = memo.get(schedule)
    if (known !== undefined && known.from <= now && now < known.until) return known.open
    const window = windowAt(schedule, now)
    const until = window === null ? nextOpening(schedule, now) : window.closesAt
    memo.set(schedule, { open: window !== null, from: now, until: until ?? Infinity })
    return window !== null
  }
}

/** Whether `phase` is what the server's policy wants at `now`; the problem in words when not. */
export function judgeServer (server: ServerConfig, phase: Phase, latestWake: WakeRecord | null, now: number, isWindowOpen: WindowCheck = computeWindowOpen): ServerHealth {
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
      if (server.schedule !== null && isWindowOpen(server.schedule, now)) return verdict('inside its schedule window and not serving')
      return verdict(null)
    case 'on_demand':
      return verdict(null) // asleep is its normal state
  }
}

/** The /api/health answer: `degraded` as soon as one server is not as its policy wants. */
export function buildHealthReport (inputs: HealthInputs): HealthReport {
  const servers: Record<string, ServerHealth> = {}
  for (const server of inputs.config.servers.values()) {
    servers[server.name] = judgeServer(server, inputs.phaseOf(server.name), inputs.latestWake(server.name), inputs.now, inputs.isWindowOpen)
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
