import { assertNever } from '../assert-never.js'
import type { Clock, Timer } from '../clock.js'
import type { ServerConfig } from '../config/types.js'
import { BOOT_HISTORY, DEFAULT_BOOT_MS, medianBootMs, policyAt, TICK_MS, type PolicyNow } from './policy.js'
import { createPowerActions } from './power-actions.js'
import type { Shutdowner, Waker } from '../ports/power.js'
import type { WakeTrigger } from '../ports/power-records.js'
import type { ProbeOutcome, Prober } from '../ports/probe.js'
import type { LifecycleLog, LifecycleStore } from './ports.js'
import { restoreState } from './restore.js'
import { isTransient, type ServerState } from './states.js'
import { next, rulesFor, type Effect, type LifecycleEvent } from './transitions.js'

/** Probe cadence while something is changing: RUNNING is noticed within a second of becoming true. */
export const FAST_PROBE_MS = 500

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

/** Owns one server's state: runs its probes and policy clock, carries out the effects of each transition. */
export function createSupervisor (deps: SupervisorDeps): Supervisor {
  const { server, clock, store, log } = deps
  const rules = rulesFor(server)
  const abort = new AbortController()
  const restored = restoreState(server, store, clock.now(), log)
  let state = restored.state
  let wakeId = restored.wakeId
  let shutdownId = restored.shutdownId
  let probeTimer: Timer | null = null
  let tickTimer: Timer | null = null
  let tickDueAt = Infinity
  const deadlines = { wake: null as Timer | null, shutdown: null as Timer | null }
  let probing = false
  let probeDue = false
  let stopped = false
  /** After a hot reload: where the results of a packet or command still on its way now go. */
  let successor: ((event: LifecycleEvent) => void) | null = null
  /** Hall is stopping: results of actions in flight are dropped (they were aborted anyway). */
  let hardStopped = false
  let last: (ProbeOutcome & { at: number }) | null = null
  let expectedBootMs = readExpectedBoot()
  const power = createPowerActions({
    ...deps,
    current: () => ({ state, wakeId, shutdownId }),
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
      if (isTransient(state.phase)) probeSoon(0)
    }
    // each effect on its own: a locked or full database loses a record, never a wake, a
    // deadline, the process or the in-memory state
    for (const effect of step.effects) guarded(() => perform(effect, now), effect.kind)
    if (before.phase !== state.phase) guarded(() => store.transitions.record({ server: server.name, from: before.phase, to: state.phase, at: now, reason: step.reason }), 'transition')
    if (before !== state) guarded(() => persist(now), 'state')
    // a pause before the next wake (cooldown, power-off settle) ends on time, not at the next tick
    if (tickDueAt !== Infinity && state.retryNotBefore !== null && state.retryNotBefore > now && state.retryNotBefore < tickDueAt) scheduleTick(state.retryNotBefore - now)
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
        wakeId = null
        if (effect.send) void power.sendWake(now) // first: the packet matters more than its record
        wakeId = store.wakes.begin({ server: server.name, trigger: effect.trigger, method: effect.send ? server.wake.method : 'none', requestedAt: now })
        if (!effect.send) store.events.record({ at: now, level: 'info', server: server.name, kind: 'external-boot', message: 'server came up without a wake from Hall' })
        return
      case 'arm-deadline':
        arm('wake', effect.at, () => dispatch({ kind: 'wake-deadline', requestedAt: effect.requestedAt }))
        return
      case 'wake-alive':
        if (wakeId !== null) store.wakes.markAlive(wakeId, now)
        return
      case 'wake-finished':
        finishWake(effect, now)
        return
      case 'begin-shutdown':
        shutdownId = null
        void (effect.check ? power.checkBusy(now) : power.sendShutdown(now))
        shutdownId = store.shutdowns.begin({ server: server.name, trigger: effect.trigger, requestedAt: now })
        return
      case 'send-shutdown':
        if (state.shutdown !== null) void power.sendShutdown(state.shutdown.requestedAt)
        return
      case 'arm-shutdown-deadline':
        arm('shutdown', effect.at, () => dispatch({ kind: 'shutdown-deadline', requestedAt: effect.requestedAt }))
        return
      case 'shutdown-finished':
        finishShutdown(effect, now)
        return
      default:
        assertNever(effect)
    }
  }

  function finishWake (effect: Extract<Effect, { kind: 'wake-finished' }>, now: number): void {
    const id = wakeId
    wakeId = null
    disarm('wake')
    power.cancel('wake') // a relay command still running for this wake is no longer wanted
    if (effect.outcome !== 'running') log.warn({ server: server.name, wakeId: id, outcome: effect.outcome, error: effect.error?.message }, 'wake failed')
    if (id === null) return // its record could not be written: nothing to finish
    if (effect.outcome === 'running') store.wakes.markRunning(id, now)
    store.wakes.finish(id, { outcome: effect.outcome, at: now, errorCode: effect.error?.code, errorMessage: effect.error?.message })
    if (effect.outcome === 'running') expectedBootMs = readExpectedBoot()
    else if (effect.outcome !== 'cancelled') {
      store.events.record({ at: now, level: 'error', server: server.name, kind: 'wake-failed', message: effect.error?.message ?? effect.outcome, details: { wakeId: id, ...effect.error } })
    }
  }

  function finishShutdown (effect: Extract<Effect, { kind: 'shutdown-finished' }>, now: number): void {
    const id = shutdownId
    shutdownId = null
    disarm('shutdown')
    power.cancel('shutdown')
    const failed = effect.outcome === 'failed' || effect.outcome === 'timeout'
    log[failed ? 'warn' : 'info']({ server: server.name, shutdownId: id, outcome: effect.outcome, error: effect.error?.message }, 'shutdown finished')
    if (id === null) return
    store.shutdowns.finish(id, { outcome: effect.outcome, at: now, errorCode: effect.error?.code, errorMessage: effect.error?.message })
    if (failed || effect.outcome === 'vetoed') {
      store.events.record({
        at: now,
        level: failed ? 'error' : 'info',
        server: server.name,
        kind: failed ? 'shutdown-failed' : 'shutdown-vetoed',
        message: effect.error?.message ?? 'busy check says the server is busy',
        details: { shutdownId: id, ...effect.error }
      })
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

  function probeSoon (delayMs: number): void {
    if (stopped) return
    if (probing) { probeDue = true; return } // probes never overlap: the running one schedules the next
    if (probeTimer !== null) clock.clearTimeout(probeTimer)
    probeTimer = clock.setTimeout(() => { probeTimer = null; void probeOnce() }, delayMs)
  }

  async function probeOnce (): Promise<void> {
    probing = true
    probeDue = false
    try {
      const outcome = await deps.prober.probe(server, abort.signal)
      last = { ...outcome, at: clock.now() }
      dispatch({ kind: 'probe', alive: outcome.alive, ready: outcome.ready })
      // the policy acts only on a state a probe has confirmed: after a restart, the remembered
      // state is not enough to shut a server down or wake it
      if (tickDueAt === Infinity && !stopped) tick()
    } catch (err) {
      if (!stopped) log.error({ server: server.name, err }, 'probe crashed')
    } finally {
      probing = false
    }
    probeSoon(probeDue ? 0 : isTransient(state.phase) ? FAST_PROBE_MS : server.probeIntervalMs)
  }

  function tick (): void {
    dispatch({ kind: 'tick', ...policyNow() })
    if (tickDueAt <= clock.now() || tickDueAt === Infinity) scheduleTick(TICK_MS)
  }

  function scheduleTick (delayMs: number): void {
    if (stopped) return
    if (tickTimer !== null) clock.clearTimeout(tickTimer)
    tickDueAt = clock.now() + delayMs
    tickTimer = clock.setTimeout(() => { tickTimer = null; tick() }, delayMs)
  }

  function policyNow (): PolicyNow {
    return policyAt(server, clock.now(), expectedBootMs)
  }

  function readExpectedBoot (): number {
    try {
      return medianBootMs(store.wakes.bootDurationsMs(server.name, BOOT_HISTORY)) ?? DEFAULT_BOOT_MS
    } catch (err) {
      log.error({ server: server.name, err }, 'could not read boot history')
      return DEFAULT_BOOT_MS
    }
  }

  /**
   * No more probes, timers or transitions; a packet or command already on its way is left to
   * finish, its result is recorded here and its event handed to `next`, the supervisor that
   * restored this server's state (and so knows the action by its `requestedAt`).
   */
  function retire (next: ((event: LifecycleEvent) => void) | null = null): void {
    successor = next
    stopped = true
    abort.abort()
    disarm('wake')
    disarm('shutdown')
    if (probeTimer !== null) clock.clearTimeout(probeTimer)
    if (tickTimer !== null) clock.clearTimeout(tickTimer)
  }

  function persist (now: number): void {
    store.serverStates.save({
      server: server.name,
      phase: state.phase,
      since: state.since,
      wakeId,
      lastActivityAt: state.lastActivityAt,
      idleFrom: state.idleFrom,
      shutdownId,
      pendingWake: state.pendingWake,
      retryNotBefore: state.retryNotBefore,
      autoWakeNotBefore: state.autoWakeNotBefore,
      shutdownSuspended: state.shutdownSuspended,
      updatedAt: now
    })
  }

  return {
    name: server.name,
    server,
    state: () => state,
    lastProbe: () => last,
    wakeId: () => wakeId,
    shutdownId: () => shutdownId,
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
      probeSoon(0)
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
