import type { Clock, Timer } from '../clock.js'
import type { ServerConfig } from '../config/types.js'
import type { ProbeOutcome, Prober } from '../ports/probe.js'
import type { LifecycleLog } from './ports.js'
import { TICK_MS } from './policy.js'
import { isTransient, type Phase } from './states.js'

/** Probe cadence while something is changing: RUNNING is noticed within a second of becoming true. */
export const FAST_PROBE_MS = 500

export interface ProbeLoopDeps {
  readonly server: ServerConfig
  readonly clock: Clock
  readonly prober: Prober
  readonly log: LifecycleLog
  /** The server's phase now: a changing one is probed fast. */
  readonly phase: () => Phase
  readonly onProbe: (outcome: ProbeOutcome) => void
  /** The policy clock: every TICK_MS once a probe has confirmed the state, sooner when asked. */
  readonly onTick: () => void
}

export interface ProbeLoop {
  lastProbe (): (ProbeOutcome & { at: number }) | null
  /** Probes after `delayMs`; asked while a probe runs, the next one follows it at once. */
  probeSoon (delayMs: number): void
  /** A pause ends at `at` (cooldown, power-off settle): the policy hears of it then, not at the next tick. */
  tickBy (at: number): void
  /** Probes are aborted and no timer fires again. */
  stop (): void
}

/** One server's probe rounds and policy ticks: when they run, never two probes at once. */
export function createProbeLoop (deps: ProbeLoopDeps): ProbeLoop {
  const { server, clock } = deps
  const abort = new AbortController()
  let probeTimer: Timer | null = null
  let tickTimer: Timer | null = null
  /** Infinity until the first probe has come back: the policy acts only on a state a probe confirmed. */
  let tickDueAt = Infinity
  let probing = false
  let probeDue = false
  let stopped = false
  let last: (ProbeOutcome & { at: number }) | null = null

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
      deps.onProbe(outcome)
      // after a restart, the remembered state is not enough to shut a server down or wake it
      if (tickDueAt === Infinity && !stopped) tick()
    } catch (err) {
      if (!stopped) deps.log.error({ server: server.name, err }, 'probe crashed')
    } finally {
      probing = false
    }
    probeSoon(probeDue ? 0 : isTransient(deps.phase()) ? FAST_PROBE_MS : server.probeIntervalMs)
  }

  function tick (): void {
    deps.onTick()
    if (tickDueAt <= clock.now() || tickDueAt === Infinity) scheduleTick(TICK_MS)
  }

  function scheduleTick (delayMs: number): void {
    if (stopped) return
    if (tickTimer !== null) clock.clearTimeout(tickTimer)
    tickDueAt = clock.now() + delayMs
    tickTimer = clock.setTimeout(() => { tickTimer = null; tick() }, delayMs)
  }

  return {
    lastProbe: () => last,
    probeSoon,
    tickBy (at) {
      const now = clock.now()
      if (tickDueAt !== Infinity && at > now && at < tickDueAt) scheduleTick(at - now)
    },
    stop () {
      stopped = true
      abort.abort()
      if (probeTimer !== null) clock.clearTimeout(probeTimer)
      if (tickTimer !== null) clock.clearTimeout(tickTimer)
    }
  }
}
