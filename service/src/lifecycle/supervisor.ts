import { assertNever } from '../assert-never.js'
import type { Clock, Timer } from '../clock.js'
import type { ServerConfig } from '../config/types.js'
import type { Shutdowner, Waker } from '../ports/power.js'
import type { WakeTrigger } from '../ports/power-records.js'
import type { ProbeOutcome, Prober } from '../ports/probe.js'
import { policyAt, type PolicyNow } from './policy.js'
import type { LifecycleLog, LifecycleStore } from './ports.js'
import { createPowerActions } from './power-actions.js'
import { createProbeLoop } from './probe-loop.js'
import { restoreState } from './restore.js'
import { createServerRecords } from './server-records.js'
import { isTransient, type ServerState } from './states.js'
import { next, rulesFor, type Effect, type LifecycleEvent } from './transitions.js'

/** What every supervisor of a fleet shares: the clock, the LAN, the store and the log. */
export interface LifecycleDeps {
  readonly clock: Clock
  readonly prober: Prober
  readonly waker: Waker
  readonly shutdowner: Shutdowner
  readonly store: LifecycleStore
  readonly log: LifecycleLog
}

export interface SupervisorDeps extends LifecycleDeps {
  readonly server: ServerConfig
  /** Called after every state change, so the fleet's in-memory view stays current. */
  readonly onChange: (server: string, state: ServerState) => void
}

export interface Supervisor {
  readonly name: string
  readonly server: ServerConfig
  state (): ServerState
  lastProbe (): (ProbeOutcome & { at: number }) | null
  /** The record of the wake in flight, when it could be written. */
  wakeId (): number | null
  /** The record of the shutdown in flight, when it could be written. */
  shutdownId (): number | null
  /** What the server's policy asks for now (its schedule window, always on...). */
  policyNow (): PolicyNow
  dispatch (event: LifecycleEvent): void
  requestWake (trigger: WakeTrigger): void
  start (): void
  /** Hall is stopping: everything stops, a packet or command on its way included. */
  stop (): void
  /** Replaced by a new supervisor (hot reload): it stops, but a packet or command on its way finishes and reports to `next`. */
  retire (next?: (event: LifecycleEvent) => void): void
}

/** The events a packet or command on its way reports with. */
const powerResults: ReadonlySet<LifecycleEvent['kind']> = new Set(['wake-sent', 'wake-failed', 'busy-checked', 'shutdown-sent', 'shutdown-failed'])

/**
 * Owns one server's state and carries out the effects of each transition. Its probe rounds and
 * policy ticks run in probe-loop.ts, its records are written by server-records.ts, and its
 * packets and commands are sent by power-actions.ts.
 */
export function createSupervisor (deps: SupervisorDeps): Supervisor {
  const { server, clock, log } = deps
  const rules = rulesFor(server)
  const restored = restoreState(server, deps.store, clock.now(), log)
  let state = restored.state
  const deadlines: Record<'wake' | 'shutdown', Timer | null> = { wake: null, shutdown: null }
  let stopped = false
  /** After a hot reload: where the results of a packet or command still on its way now go. */
  let successor: ((event: LifecycleEvent) => void) | null = null
  /** Hall is stopping: results of actions in flight are dropped (they were aborted anyway). */
  let hardStopped = false
  const records = createServerRecords({ ...deps, wakeId: restored.wakeId, shutdownId: restored.shutdownId })
  const loop = createProbeLoop({
    ...deps,
    phase: () => state.phase,
    onProbe: (outcome) => dispatch({ kind: 'probe', alive: outcome.alive, ready: outcome.ready }),
    onTick: () => dispatch({ kind: 'tick', ...policyNow() })
  })
  const power = createPowerActions({
    ...deps,
    current: () => ({ state, wakeId: records.wakeId(), shutdownId: records.shutdownId() }),
    dispatch,
    isStopped: () => hardStopped,
    guarded
  })

  function dispatch (event: LifecycleEvent): void {
    if (stopped) {
      // a relay's answer for an action this supervisor started belongs to the one that replaced it;
      // its own probes and timers (aborted, disarmed) have nothing left to say
      if (powerResults.has(event.kind)) successor?.(event)
      return
    }
    const now = clock.now()
    const before = state
    const step = next(state, event, rules, now)
    state = step.state
    if (before === state && step.effects.length === 0) return
    // memory first: the request path sees the new state even if recording it fails below
    deps.onChange(server.name, state)
    if (before.phase !== state.phase) {
      log.info({ server: server.name, from: before.phase, to: state.phase, reason: step.reason }, 'state changed')
      if (isTransient(state.phase)) loop.probeSoon(0)
    }
    // each effect on its own: a locked or full database loses a record, never a wake, a
    // deadline, the process or the in-memory state
    for (const effect of step.effects) guarded(() => perform(effect, now), effect.kind)
    if (before.phase !== state.phase) guarded(() => records.transition(before.phase, state.phase, now, step.reason), 'transition')
    if (before !== state) guarded(() => records.saveState(state, now), 'state')
    // a pause before the next wake (cooldown, power-off settle) ends on time, not at the next tick
    if (state.retryNotBefore !== null) loop.tickBy(state.retryNotBefore)
  }

  function guarded (work: () => void, what: string): void {
    try {
      work()
    } catch (err) {
      log.error({ server: server.name, what, err }, 'could not record a lifecycle step')
    }
  }

  function perform (effect: Effect, now: number): void {
    switch (effect.kind) {
      case 'begin-wake':
        if (effect.send) void power.sendWake(now) // first: the packet matters more than its record
        records.beginWake(effect.trigger, effect.send, now)
        return
      case 'arm-deadline':
        arm('wake', effect.at, () => dispatch({ kind: 'wake-deadline', requestedAt: effect.requestedAt }))
        return
      case 'wake-alive':
        records.wakeAlive(now)
        return
      case 'wake-finished':
        disarm('wake')
        power.cancel('wake') // a relay command still running for this wake is no longer wanted
        records.finishWake(effect, now)
        return
      case 'begin-shutdown':
        void (effect.check ? power.checkBusy(now) : power.sendShutdown(now))
        records.beginShutdown(effect.trigger, now)
        return
      case 'send-shutdown':
        if (state.shutdown !== null) void power.sendShutdown(state.shutdown.requestedAt)
        return
      case 'arm-shutdown-deadline':
        arm('shutdown', effect.at, () => dispatch({ kind: 'shutdown-deadline', requestedAt: effect.requestedAt }))
        return
      case 'shutdown-finished':
        disarm('shutdown')
        power.cancel('shutdown')
        records.finishShutdown(effect, now)
        return
      default:
        assertNever(effect)
    }
  }

  function arm (which: keyof typeof deadlines, at: number, fire: () => void): void {
    disarm(which)
    deadlines[which] = clock.setTimeout(fire, Math.max(0, at - clock.now()))
  }

  function disarm (which: keyof typeof deadlines): void {
    const timer = deadlines[which]
    if (timer !== null) clock.clearTimeout(timer)
    deadlines[which] = null
  }

  function policyNow (): PolicyNow {
    return policyAt(server, clock.now(), records.expectedBootMs())
  }

  /**
   * No more probes, timers or transitions; a packet or command already on its way is left to
   * finish, its result is recorded here and its event handed to `next`, the supervisor that
   * restored this server's state (and so knows the action by its `requestedAt`).
   */
  function retire (next: ((event: LifecycleEvent) => void) | null = null): void {
    successor = next
    stopped = true
    loop.stop()
    disarm('wake')
    disarm('shutdown')
  }

  return {
    name: server.name,
    server,
    state: () => state,
    lastProbe: () => loop.lastProbe(),
    wakeId: () => records.wakeId(),
    shutdownId: () => records.shutdownId(),
    policyNow,
    dispatch,
    requestWake: (trigger) => dispatch({ kind: 'wake-requested', trigger }),
    start () {
      deps.onChange(server.name, state)
      if (state.wake !== null) {
        const { requestedAt } = state.wake
        arm('wake', state.wake.deadline, () => dispatch({ kind: 'wake-deadline', requestedAt }))
      }
      if (state.shutdown?.deadline != null) {
        const { requestedAt } = state.shutdown
        arm('shutdown', state.shutdown.deadline, () => dispatch({ kind: 'shutdown-deadline', requestedAt }))
      }
      if (restored.resend && state.wake !== null) void power.sendWake(state.wake.requestedAt)
      loop.probeSoon(0)
    },
    stop () {
      hardStopped = true
      retire()
      power.cancel('wake')
      power.cancel('shutdown')
    },
    retire
  }
}
