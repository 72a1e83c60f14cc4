import type { Timer } from '../clock.js'
import type { DomainConfig, HallConfig, ServerConfig } from '../config/types.js'
import { HallError } from '../errors.js'
import { createActivityCounter, minuteOf } from './activity-counter.js'
import { createRefusalLog } from './refusal-log.js'
import { planReload, type ReloadSummary } from './reload-plan.js'
import type { ShutdownTrigger, WakeTrigger } from '../ports/power-records.js'
import { isServing, type Phase, type ServerState } from './states.js'
import { createSupervisor, type LifecycleDeps, type Supervisor } from './supervisor.js'

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

export interface FleetDeps extends LifecycleDeps {
  readonly config: HallConfig
}

export interface Fleet {
  config (): HallConfig
  /** In memory only: safe on the forward-auth path. */
  lookup (host: string): DomainView | undefined
  /** In memory only: the wake itself runs on a later tick, beside the request. */
  requestWake (server: string, trigger: WakeTrigger): void
  /** In memory only: a counter bump. */
  noteActivity (domain: string): void
  /** In memory only: a browser navigation sent to the waiting page (`waited`) or passed through. */
  noteNavigation (domain: string, waited: boolean): void
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
  const queued = { wake: new Set<string>(), activity: new Set<string>() }
  const listeners = new Set<StateListener>()
  const activity = createActivityCounter()
  const refusals = createRefusalLog()
  let flushTimer: Timer | null = null
  let started = false

  for (const server of config.servers.values()) {
    const supervisor = build(server)
    supervisors.set(server.name, supervisor)
    phases.set(server.name, supervisor.state().phase)
  }

  /** Restores the server's state from the store (which may write: closing stale actions). */
  function build (server: ServerConfig): Supervisor {
    return createSupervisor({ ...deps, server, onChange: notify })
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

  /**
   * Runs `work` on the server's supervisor on the next turn of the event loop, beside the
   * request: one queued call per server and kind, however many requests arrive in the same tick.
   */
  function queue (server: string, kind: 'wake' | 'activity', work: (s: Supervisor) => void): void {
    // a set per kind: no key string to build on each of a burst's requests
    const waiting = queued[kind]
    if (waiting.has(server)) return
    waiting.add(server)
    clock.setImmediate(() => {
      waiting.delete(server)
      const supervisor = supervisors.get(server)
      if (supervisor !== undefined) work(supervisor)
    })
  }

  /** A server gone from the config: its actions still open are closed, its state row dropped. */
  function forget (name: string): void {
    const now = clock.now()
    try {
      for (const w of store.wakes.pending()) if (w.server === name) store.wakes.finish(w.id, { outcome: 'cancelled', at: now, errorMessage: 'the server was removed from the config' })
      for (const sd of store.shutdowns.pending()) if (sd.server === name) store.shutdowns.finish(sd.id, { outcome: 'cancelled', at: now, errorMessage: 'the server was removed from the config' })
      store.serverStates.remove(name)
    } catch (err) {
      deps.log.error({ err, server: name }, 'could not close the records of a removed server')
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
    const navigations = activity.drainNavigations()
    if (counts.size > 0) {
      const servers = new Set([...counts.keys()].map(d => config.domains.get(d)?.server))
      for (const name of servers) if (name !== undefined) supervisors.get(name)?.dispatch({ kind: 'activity', at: now })
    }
    if (counts.size > 0 || navigations.size > 0) {
      try {
        const domains = new Set([...counts.keys(), ...navigations.keys()])
        store.activity.add([...domains].map(domain => ({ minute: minuteOf(now), domain, hits: counts.get(domain) ?? 0, ...navigations.get(domain) })))
      } catch (err) {
        deps.log.error({ err }, 'could not record activity')
      }
    }
    beatUptime(now, false)
    for (const r of refusals.due(now)) {
      try {
        const server = config.domains.get(r.domain)?.server ?? null
        store.events.record({ at: now, level: 'info', server, kind: 'wake-refused', message: `${r.count} request(s) for ${r.domain} did not wake it: ${r.reason}`, details: r })
      } catch (err) {
        deps.log.error({ err }, 'could not record refused wakes')
      }
    }
  }

  /** The energy report counts only the time Hall was running: a missed beat is logged, never thrown. */
  function beatUptime (now: number, final: boolean): void {
    try {
      store.uptime?.beat(now, final)
    } catch (err) {
      deps.log.error({ err }, 'could not record that Hall is running')
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
      queue(server, 'wake', s => s.requestWake(trigger))
    },
    noteActivity (domain) {
      activity.bump(domain)
      // an IDLE server may be about to shut down: it hears of this hit now, not at the next flush
      const server = config.domains.get(domain)?.server
      if (server !== undefined && phases.get(server) === 'IDLE') queue(server, 'activity', s => s.dispatch({ kind: 'activity', at: clock.now() }))
    },
    noteNavigation: (domain, waited) => activity.noteNavigation(domain, waited),
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
      const refused = (reason: string): ShutdownTicket => ({ outcome: 'refused', shutdownId: null, phase: before.phase, reason })
      if (before.shutdown !== null && before.shutdown.stage !== 'checking') return { outcome: 'in-flight', shutdownId: supervisor.shutdownId(), phase: before.phase, reason: null }
      if (before.phase === 'OFFLINE') return { outcome: 'already-off', shutdownId: null, phase: before.phase, reason: null }
      if (supervisor.server.shutdown === null) return refused('no shutdown command is configured for this server')
      // the policy would wake it again within seconds: say so rather than pretend
      if (supervisor.server.policy === 'always_on') return refused('an always_on server would be woken again at once: change its policy first')
      if (supervisor.policyNow().wantUp) return refused('its schedule window is open (or about to open): it would be woken again at once')
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
      const summary = planReload(new Map([...supervisors].map(([name, s]) => [name, s.server])), next.servers)

      // build the new supervisors first: if one cannot be (its restore could not read or write
      // the database), nothing has changed and the old config stays in force
      const created = new Map<string, Supervisor>()
      try {
        for (const name of [...summary.changed, ...summary.added]) {
          created.set(name, build(next.servers.get(name)!))
        }
      } catch (err) {
        throw new HallError('HALL_ERR_CONFIG_RELOAD', `the new config could not be applied, the old one stays in force: ${(err as Error).message}`, undefined, err)
      }

      // one synchronous step from here: no request sees half of the old config and half of the new
      for (const name of [...summary.changed, ...summary.removed]) {
        // a packet or command on its way still goes out, and its outcome reaches the new supervisor
        const successor = created.get(name)
        supervisors.get(name)!.retire(successor === undefined ? undefined : (event) => successor.dispatch(event))
        supervisors.delete(name)
        phases.delete(name)
      }
      for (const name of summary.removed) forget(name)
      config = next
      for (const [name, supervisor] of created) {
        supervisors.set(name, supervisor)
        phases.set(name, supervisor.state().phase)
        if (started) supervisor.start()
      }
      return summary
    },
    start () {
      started = true
      beatUptime(clock.now(), false)
      for (const s of supervisors.values()) s.start()
      scheduleFlush()
    },
    stop () {
      if (flushTimer !== null) clock.clearTimeout(flushTimer)
      flush()
      beatUptime(clock.now(), true)
      for (const s of supervisors.values()) s.stop()
    }
  }
}
