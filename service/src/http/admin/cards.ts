import type { ServerConfig } from '../../config/types.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import { nextChange, windowAt, formatLocal } from '../../lifecycle/schedule.js'
import { isServing, type ServerState } from '../../lifecycle/states.js'
import type { CardJson } from '../public/admin/card-display.js'
import type { PowerHistory } from '../status-view.js'

export type { CardJson } from '../public/admin/card-display.js'
export type ShutdownRefusal = NonNullable<CardJson['actions']['shutdown_refusal']>

/**
 * Every server's card, from memory only (the fleet's state and the power history it keeps
 * current): the overview, its JSON and its stream cost no query, however often they are asked.
 */
export function buildCards (fleet: Pick<Fleet, 'config' | 'supervisor'>, history: PowerHistory, fallbackSince: number, now: number): CardJson[] {
  return [...fleet.config().servers.keys()].sort().map(name => buildCard(fleet, history, name, fallbackSince, now)!)
}

export function buildCard (fleet: Pick<Fleet, 'config' | 'supervisor'>, history: PowerHistory, name: string, fallbackSince: number, now: number): CardJson | null {
  const config = fleet.config()
  const server = config.servers.get(name)
  if (server === undefined) return null
  const supervisor = fleet.supervisor(name)
  const state = supervisor?.state() ?? null
  const phase = state?.phase ?? 'UNKNOWN'
  const latest = history.latest(name)
  const refusal = supervisor === undefined ? null : shutdownRefusal(server, supervisor.policyNow().wantUp)
  const shutdownInFlight = state?.shutdown != null && state.shutdown.stage !== 'checking'
  return {
    server: name,
    state: phase,
    since_ms: state?.since ?? fallbackSince,
    policy: server.policy,
    domains: [...config.domains.values()].filter(d => d.server === name).map(d => d.host).sort(),
    wake: state?.wake == null
      ? null
      : { requested_at_ms: state.wake.requestedAt, sent_at_ms: state.wake.sentAt, alive_at_ms: state.wake.aliveAt, running_at_ms: null },
    last_wake: latest === null || latest.outcome === 'pending'
      ? null
      : { outcome: latest.outcome, requested_at_ms: latest.requestedAt, running_at_ms: latest.runningAt, error_code: latest.errorCode },
    idle_shutdown_at_ms: idleShutdownAt(server, state, supervisor?.policyNow().mayIdle ?? false),
    shutdown_suspended: state?.shutdownSuspended ?? false,
    shutdown_pending: state?.shutdown != null,
    schedule: scheduleOf(server, now),
    actions: {
      // the buttons follow what fleet.wakeNow and shutdownNow would do now; the POST asks them again
      wake: state !== null && state.wake === null && !isServing(phase),
      shutdown: state !== null && refusal === null && phase !== 'OFFLINE' && !shutdownInFlight,
      shutdown_refusal: phase === 'OFFLINE' ? null : refusal
    }
  }
}

/**
 * Why fleet.shutdownNow would refuse this server whatever its state, in the words of the card;
 * null when it would not. The same rules, in the same order: a missing command, always on,
 * a schedule window open or about to open.
 */
export function shutdownRefusal (server: ServerConfig, wantUp: boolean): ShutdownRefusal | null {
  if (server.shutdown === null) return 'no-command'
  if (server.policy === 'always_on') return 'always-on'
  if (wantUp) return 'schedule'
  return null
}

/** When the idle countdown ends, as status-view's power JSON counts it; null when none runs. */
function idleShutdownAt (server: ServerConfig, state: ServerState | null, mayIdle: boolean): number | null {
  if (server.policy === 'always_on' || server.shutdown === null || server.idleShutdownMs === null) return null
  if (state === null || !isServing(state.phase) || state.idleFrom === null || state.shutdownSuspended || !mayIdle) return null
  return state.idleFrom + server.idleShutdownMs
}

function scheduleOf (server: ServerConfig, now: number): CardJson['schedule'] {
  if (server.schedule === null) return null
  const change = nextChange(server.schedule, now)
  return {
    open: windowAt(server.schedule, now) !== null,
    next_change: change === null ? null : change.opening ? 'opens' : 'closes',
    next_change_local: change === null ? null : formatLocal(server.schedule.timezone, change.at)
  }
}
