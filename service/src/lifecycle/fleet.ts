import type { Clock, Timer } from '../clock.js'
import type { DomainConfig, HallConfig, ServerConfig } from '../config/types.js'
import { createActivityCounter, minuteOf } from './activity-counter.js'
import type { LifecycleLog, LifecycleStore, Prober, Waker } from './ports.js'
import { HallError } from '../errors.js'
import { isServing, type Phase, type ServerState, type ShutdownTrigger, type WakeTrigger } from './states.js'
import { createSupervisor, type Supervisor } from './supervisor.js'

export const ACTIVITY_FLUSH_MS = 1000

export interface DomainView { readonly domain: DomainConfig, readonly server: ServerConfig, readonly phase: Phase }

/** What a manual wake (API, CLI) did: the wake's id when one was started or is under way. */
export interface WakeTicket {
  readonly outcome: 'started' | 'in-flight' | 'already-up' | 'refused'
  readonly wakeId: number | null
  readonly phase: Phase
  /** Why it was refused (cooldown after a failed wake, server shutting down...). */
  readonly reason: string | null
}

/** What a manual shutdown did: the shutdown's id when one was started or is under way. */
export interface ShutdownTicket {
  readonly outcome: 'started' | 'in-flight' | 'already-off' | 'refused'
  readonly shutdownId: number | null
  readonly phase: Phase
  readonly reason: string | null
}

export type StateListener = (server: string, state: ServerState) => void

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
  /** Starts a wake now (or reports the one under way); throws HALL_ERR_SERVER_UNKNOWN. */
  wakeNow (server: string, trigger: WakeTrigger): WakeTicket
  /** Starts a shutdown now (or reports the one under way); throws HALL_ERR_SERVER_UNKNOWN. */
  shutdownNow (server: string, trigger: ShutdownTrigger): ShutdownTicket
  /** Called after every state change of any server; returns the unsubscribe function. */
  subscribe (listener: StateListener): () => void
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
  const listeners = new Set<StateListener>()
  const activity = createActivityCounter()
  let flushTimer: Timer | null = null

  for (const server of config.servers.values()) {
    const supervisor = createSupervisor({ ...deps, server, onChange: notify })
    supervisors.set(server.name, supervisor)
    phases.set(server.name, supervisor.state().phase)
  }

  function notify (name: string, state: ServerState): void {
    phases.set(name, state.phase)
    for (const listener of listeners) {
      try {
        listener(name, state)
      } catch (err) {
        deps.log.error({ err, server: name }, 'state listener failed')
      }
    }
  }

  function supervisorOf (name: string): Supervisor {
    const supervisor = supervisors.get(name)
    if (supervisor === undefined) throw new HallError('HALL_ERR_SERVER_UNKNOWN', `Hall has no server named "${name}"`)
    return supervisor
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
    wakeNow (name, trigger) {
      const supervisor = supervisorOf(name)
      const before = supervisor.state()
      if (isServing(before.phase)) return { outcome: 'already-up', wakeId: null, phase: before.phase, reason: null }
      if (before.wake !== null) return { outcome: 'in-flight', wakeId: supervisor.wakeId(), phase: before.phase, reason: null }
      supervisor.requestWake(trigger)
      const after = supervisor.state()
      if (after.wake !== null) return { outcome: 'started', wakeId: supervisor.wakeId(), phase: after.phase, reason: null }
      if (after.pendingWake !== null) return { outcome: 'started', wakeId: null, phase: after.phase, reason: 'the wake starts as soon as the server is seen off' }
      const cooling = after.retryNotBefore !== null && clock.now() < after.retryNotBefore
      return { outcome: 'refused', wakeId: null, phase: after.phase, reason: cooling ? 'the last wake failed moments ago; retry in a few seconds' : `the server is ${after.phase}` }
    },
    shutdownNow (name) {
      const supervisor = supervisorOf(name)
      return { outcome: 'refused', shutdownId: null, phase: supervisor.state().phase, reason: 'shutdown is not available yet' }
    },
    subscribe (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
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
