import { assertNever } from '../assert-never.js'
import type { Clock, Timer } from '../clock.js'
import type { ServerConfig } from '../config/types.js'
import { isHallError } from '../errors.js'
import type { LifecycleLog, LifecycleStore, ProbeOutcome, Prober, Waker } from './ports.js'
import { restoreState } from './restore.js'
import { isTransient, type ServerState, type WakeTrigger } from './states.js'
import { next, type Effect, type LifecycleEvent } from './transitions.js'

/** Probe cadence while something is changing: RUNNING is noticed within a second of becoming true. */
export const FAST_PROBE_MS = 500

export interface SupervisorDeps {
  readonly server: ServerConfig
  readonly clock: Clock
  readonly prober: Prober
  readonly waker: Waker
  readonly store: LifecycleStore
  readonly log: LifecycleLog
  /** Called after every state change, so the fleet's in-memory view stays current. */
  readonly onChange: (server: string, state: ServerState) => void
}

export interface Supervisor {
  readonly name: string
  state (): ServerState
  lastProbe (): (ProbeOutcome & { at: number }) | null
  /** The record of the wake in flight, when it could be written. */
  wakeId (): number | null
  dispatch (event: LifecycleEvent): void
  requestWake (trigger: WakeTrigger): void
  start (): void
  stop (): void
}

/** Owns one server's state: runs its probes, carries out the effects of each transition. */
export function createSupervisor (deps: SupervisorDeps): Supervisor {
  const { server, clock, store, log } = deps
  const abort = new AbortController()
  const restored = restoreState(server, store, clock.now())
  let state = restored.state
  let wakeId = restored.wakeId
  let wakeAbort: AbortController | null = null
  let probeTimer: Timer | null = null
  let deadlineTimer: Timer | null = null
  let probing = false
  let probeDue = false
  let stopped = false
  let last: (ProbeOutcome & { at: number }) | null = null

  function dispatch (event: LifecycleEvent): void {
    if (stopped) return
    const now = clock.now()
    const before = state
    const step = next(state, event, { wakeTimeoutMs: server.wakeTimeoutMs }, now)
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
        if (effect.send) void sendWake(now) // first: the packet matters more than its record
        wakeId = store.wakes.begin({ server: server.name, trigger: effect.trigger, method: effect.send ? server.wake.method : 'none', requestedAt: now })
        if (!effect.send) store.events.record({ at: now, level: 'info', server: server.name, kind: 'external-boot', message: 'server came up without a wake from Hall' })
        return
      case 'arm-deadline':
        armDeadline(effect.at, effect.requestedAt)
        return
      case 'wake-alive':
        if (wakeId !== null) store.wakes.markAlive(wakeId, now)
        return
      case 'wake-finished': {
        const id = wakeId
        wakeId = null
        clearDeadline()
        wakeAbort?.abort() // a relay command still running for this wake is no longer wanted
        wakeAbort = null
        if (effect.outcome !== 'running') log.warn({ server: server.name, wakeId: id, outcome: effect.outcome, error: effect.error?.message }, 'wake failed')
        if (id === null) return // its record could not be written: nothing to finish
        if (effect.outcome === 'running') store.wakes.markRunning(id, now)
        store.wakes.finish(id, { outcome: effect.outcome, at: now, errorCode: effect.error?.code, errorMessage: effect.error?.message })
        if (effect.outcome !== 'running') {
          store.events.record({ at: now, level: 'error', server: server.name, kind: 'wake-failed', message: effect.error?.message ?? effect.outcome, details: { wakeId: id, ...effect.error } })
        }
        return
      }
      default:
        assertNever(effect)
    }
  }

  async function sendWake (requestedAt: number): Promise<void> {
    const controller = new AbortController()
    wakeAbort = controller
    // the waker runs on a later tick, whatever it does: the caller has recorded the wake by then
    await Promise.resolve()
    try {
      const report = await deps.waker.wake(server, controller.signal)
      if (stopped) return
      const id = wakeId
      log.info({ server: server.name, wakeId: id, method: report.method, packets: report.packetsSent, ms: report.durationMs }, 'wake sent')
      if (id !== null && state.wake?.requestedAt === requestedAt) {
        guarded(() => store.wakes.markSent(id, { at: clock.now(), packetsSent: report.packetsSent, exitCode: report.exitCode, stderr: report.stderr }), 'wake sent')
      }
      dispatch({ kind: 'wake-sent', requestedAt })
    } catch (err) {
      if (stopped || controller.signal.aborted) return
      const code = isHallError(err) ? err.code : 'HALL_ERR_WAKE_SEND'
      const message = err instanceof Error ? err.message : String(err)
      const details = isHallError(err) ? err.details as { exitCode?: number, stderr?: string } | undefined : undefined
      const id = wakeId
      if (id !== null && details?.exitCode !== undefined && state.wake?.requestedAt === requestedAt) {
        guarded(() => store.wakes.markSent(id, { at: clock.now(), packetsSent: 0, exitCode: details.exitCode ?? null, stderr: details.stderr ?? null }), 'relay result')
      }
      dispatch({ kind: 'wake-failed', requestedAt, code, message })
    }
  }

  function armDeadline (at: number, requestedAt: number): void {
    clearDeadline()
    deadlineTimer = clock.setTimeout(() => dispatch({ kind: 'wake-deadline', requestedAt }), Math.max(0, at - clock.now()))
  }

  function clearDeadline (): void {
    if (deadlineTimer !== null) clock.clearTimeout(deadlineTimer)
    deadlineTimer = null
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
    } catch (err) {
      if (!stopped) log.error({ server: server.name, err }, 'probe crashed')
    } finally {
      probing = false
    }
    probeSoon(probeDue ? 0 : isTransient(state.phase) ? FAST_PROBE_MS : server.probeIntervalMs)
  }

  function persist (now: number): void {
    store.serverStates.save({ server: server.name, phase: state.phase, since: state.since, wakeId, lastActivityAt: state.lastActivityAt, updatedAt: now })
  }

  return {
    name: server.name,
    state: () => state,
    lastProbe: () => last,
    wakeId: () => wakeId,
    dispatch,
    requestWake: (trigger) => dispatch({ kind: 'wake-requested', trigger }),
    start () {
      deps.onChange(server.name, state)
      if (state.wake !== null) armDeadline(state.wake.deadline, state.wake.requestedAt)
      if (restored.resend && state.wake !== null) void sendWake(state.wake.requestedAt)
      probeSoon(0)
    },
    stop () {
      stopped = true
      abort.abort()
      wakeAbort?.abort()
      clearDeadline()
      if (probeTimer !== null) clock.clearTimeout(probeTimer)
    }
  }
}
