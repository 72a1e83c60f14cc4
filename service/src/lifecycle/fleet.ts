import type { Clock, Timer } from '../clock.js'
import type { DomainConfig, HallConfig, ServerConfig } from '../config/types.js'
import { HallError } from '../errors.js'
import { createActivityCounter, minuteOf } from './activity-counter.js'
import type { LifecycleLog, LifecycleStore, Prober, Shutdowner, Waker } from './ports.js'
import { createRefusalLog } from './refusal-log.js'
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

/** Servers a reload started, stopped, or restarted with their new settings. */
export interface ReloadSummary { readonly added: string[], readonly removed: string[], readonly changed: string[] }

export type StateListener = (server: string, state: ServerState) => void

export interface FleetDeps {
  readonly config: HallConfig
  readonly clock: Clock
  readonly prober: Prober
  readonly waker: Waker
  readonly shutdowner: Shutdowner
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
  /** In memory only: recorded later, at most once a minute per domain and reason. */
  noteRefusedWake (domain: string, reason: string): void
  /** Starts a wake now (or reports the one under way); throws HALL_ERR_SERVER_UNKNOWN. */
  wakeNow (server: string, trigger: WakeTrigger): WakeTicket
  /** Starts a shutdown now (or reports the one under way); throws HALL_ERR_SERVER_UNKNOWN. */
  shutdownNow (server: string, trigger: ShutdownTrigger): ShutdownTicket
  /** Called after every state change of any server; returns the unsubscribe function. */
  subscribe (listener: StateListener): () => void
  supervisor (server: string): Supervisor | undefined
  /** Applies a new configuration in one step: servers added, removed, and changed ones restarted. */
  reload (config: HallConfig): ReloadSummary
  start (): void
  stop (): void
}

/** All supervisors, plus the in-memory view the request path reads. */
export function createFleet (deps: FleetDeps): Fleet {
  const { clock, store } = deps
  let config = deps.config
  const supervisors = new Map<string, Supervisor>()
  const phases = new Map<string, Phase>()
  const wakeQueued = new Set<string>()
  const listeners = new Set<StateListener>()
  const activity = createActivityCounter()
  const refusals = createRefusalLog()
  let flushTimer: Timer | null = null
  let started = false

  for (const server of config.servers.values()) add(server)

  function add (server: ServerConfig): Supervisor {
    const supervisor = createSupervisor({ ...deps, server, onChange: notify })
    supervisors.set(server.name, supervisor)
    phases.set(server.name, supervisor.state().phase)
    return supervisor
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

  function flush (): void {
    const now = clock.now()
    const counts = activity.drain()
    if (counts.size > 0) {
      const servers = new Set([...counts.keys()].map(d => config.domains.get(d)?.server))
      for (const name of servers) if (name !== undefined) supervisors.get(name)?.dispatch({ kind: 'activity', at: now })
      try {
        store.activity.add([...counts].map(([domain, hits]) => ({ minute: minuteOf(now), domain, hits })))
      } catch (err) {
        deps.log.error({ err }, 'could not record activity')
      }
    }
    for (const r of refusals.due(now)) {
      try {
        const server = config.domains.get(r.domain)?.server ?? null
        store.events.record({ at: now, level: 'info', server, kind: 'wake-refused', message: `${r.count} request(s) for ${r.domain} did not wake it: ${r.reason}`, details: r })
      } catch (err) {
        deps.log.error({ err }, 'could not record refused wakes')
      }
    }
  }

  function scheduleFlush (): void {
    flushTimer = clock.setTimeout(() => { flush(); scheduleFlush() }, ACTIVITY_FLUSH_MS)
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
    noteRefusedWake: (domain, reason) => refusals.note(domain, reason),
    wakeNow (name, trigger) {
      const supervisor = supervisorOf(name)
      const before = supervisor.state()
      if (before.wake !== null) return { outcome: 'in-flight', wakeId: supervisor.wakeId(), phase: before.phase, reason: null }
      supervisor.requestWake(trigger)
      const after = supervisor.state()
      if (after.wake !== null) return { outcome: 'started', wakeId: supervisor.wakeId(), phase: after.phase, reason: null }
      if (isServing(after.phase) && after.shutdown === null) return { outcome: 'already-up', wakeId: null, phase: after.phase, reason: null }
      if (after.pendingWake !== null) return { outcome: 'started', wakeId: null, phase: after.phase, reason: 'the wake starts as soon as the server is seen off' }
      return { outcome: 'refused', wakeId: null, phase: after.phase, reason: `the server is ${after.phase}` }
    },
    shutdownNow (name, trigger) {
      const supervisor = supervisorOf(name)
      const before = supervisor.state()
      if (before.shutdown !== null) return { outcome: 'in-flight', shutdownId: supervisor.shutdownId(), phase: before.phase, reason: null }
      if (before.phase === 'OFFLINE') return { outcome: 'already-off', shutdownId: null, phase: before.phase, reason: null }
      if (supervisor.server.shutdown === null) return { outcome: 'refused', shutdownId: null, phase: before.phase, reason: 'no shutdown command is configured for this server' }
      if (supervisor.server.policy === 'always_on') return { outcome: 'refused', shutdownId: null, phase: before.phase, reason: 'an always_on server would be woken again at once: change its policy first' }
      supervisor.dispatch({ kind: 'shutdown-requested', trigger })
      const after = supervisor.state()
      if (after.shutdown !== null) return { outcome: 'started', shutdownId: supervisor.shutdownId(), phase: after.phase, reason: null }
      return { outcome: 'refused', shutdownId: null, phase: after.phase, reason: `the server is ${after.phase}` }
    },
    subscribe (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    supervisor: (name) => supervisors.get(name),
    reload (next) {
      const summary: ReloadSummary = { added: [], removed: [], changed: [] }
      for (const [name, supervisor] of supervisors) {
        const wanted = next.servers.get(name)
        if (wanted !== undefined && sameServer(wanted, supervisor.server)) continue
        // the old supervisor has persisted everything: the new one restores from the store
        supervisor.stop()
        supervisors.delete(name)
        phases.delete(name)
        if (wanted === undefined) summary.removed.push(name)
        else summary.changed.push(name)
      }
      config = next
      for (const server of next.servers.values()) {
        if (supervisors.has(server.name)) continue
        if (!summary.changed.includes(server.name)) summary.added.push(server.name)
        const supervisor = add(server)
        if (started) supervisor.start()
      }
      return summary
    },
    start () {
      started = true
      for (const s of supervisors.values()) s.start()
      scheduleFlush()
    },
    stop () {
      if (flushTimer !== null) clock.clearTimeout(flushTimer)
      flush()
      for (const s of supervisors.values()) s.stop()
    }
  }
}

/** Settings compared by value: Buffers (SecureOn) and nested relays serialise deterministically. */
function sameServer (a: ServerConfig, b: ServerConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}
