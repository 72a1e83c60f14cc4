import type { Clock, Timer } from '../clock.js'
import type { DomainConfig, HallConfig, ServerConfig } from '../config/types.js'
import { createActivityCounter, minuteOf } from './activity-counter.js'
import type { LifecycleLog, LifecycleStore, Prober, Waker } from './ports.js'
import type { Phase, WakeTrigger } from './states.js'
import { createSupervisor, type Supervisor } from './supervisor.js'

export const ACTIVITY_FLUSH_MS = 1000

export interface DomainView { readonly domain: DomainConfig, readonly server: ServerConfig, readonly phase: Phase }

export interface FleetDeps {
  readonly config: HallConfig
  readonly clock: Clock
  readonly prober: Prober
  readonly waker: Waker
  readonly store: LifecycleStore
  readonly log: LifecycleLog
}

export interface Fleet {
  config (): HallConfig
  /** In memory only: safe on the forward-auth path. */
  lookup (host: string): DomainView | undefined
  /** In memory only: the wake itself runs on a later tick, beside the request. */
  requestWake (server: string, trigger: WakeTrigger): void
  /** In memory only: a counter bump. */
  noteActivity (domain: string): void
  supervisor (server: string): Supervisor | undefined
  start (): void
  stop (): void
}

/** All supervisors, plus the in-memory view the request path reads. */
export function createFleet (deps: FleetDeps): Fleet {
  const { clock, store } = deps
  const config = deps.config
  const supervisors = new Map<string, Supervisor>()
  const phases = new Map<string, Phase>()
  const wakeQueued = new Set<string>()
  const activity = createActivityCounter()
  let flushTimer: Timer | null = null

  for (const server of config.servers.values()) {
    const supervisor = createSupervisor({ ...deps, server, onChange: (name, state) => phases.set(name, state.phase) })
    supervisors.set(server.name, supervisor)
    phases.set(server.name, supervisor.state().phase)
  }

  function flushActivity (): void {
    const counts = activity.drain()
    if (counts.size > 0) {
      const now = clock.now()
      const servers = new Set([...counts.keys()].map(d => config.domains.get(d)?.server))
      for (const name of servers) if (name !== undefined) supervisors.get(name)?.dispatch({ kind: 'activity', at: now })
      try {
        store.activity.add([...counts].map(([domain, hits]) => ({ minute: minuteOf(now), domain, hits })))
      } catch (err) {
        deps.log.error({ err }, 'could not record activity')
      }
    }
  }

  function scheduleFlush (): void {
    flushTimer = clock.setTimeout(() => { flushActivity(); scheduleFlush() }, ACTIVITY_FLUSH_MS)
    flushTimer.unref?.()
  }

  return {
    config: () => config,
    lookup (host) {
      const domain = config.domains.get(host)
      if (domain === undefined) return undefined
      const server = config.servers.get(domain.server)!
      return { domain, server, phase: phases.get(server.name) ?? 'UNKNOWN' }
    },
    requestWake (server, trigger) {
      // one queued wake per server however many requests arrive in the same tick
      if (wakeQueued.has(server)) return
      wakeQueued.add(server)
      setImmediate(() => {
        wakeQueued.delete(server)
        supervisors.get(server)?.requestWake(trigger)
      })
    },
    noteActivity: (domain) => activity.bump(domain),
    supervisor: (name) => supervisors.get(name),
    start () {
      for (const s of supervisors.values()) s.start()
      scheduleFlush()
    },
    stop () {
      if (flushTimer !== null) clock.clearTimeout(flushTimer)
      flushActivity()
      for (const s of supervisors.values()) s.stop()
    }
  }
}
