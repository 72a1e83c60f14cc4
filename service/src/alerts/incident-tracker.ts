import type { AlertEvent } from '../config/types.js'
import type { Phase } from '../ports/phases.js'
import type { ShutdownFinalOutcome, WakeFinalOutcome } from '../ports/power-records.js'
import type { Policy } from '../config/types.js'
import { assertNever } from '../assert-never.js'

/** What the tracker hears of: state changes, finished wakes and shutdowns, reloads, and the passing of time. */
export type Observation =
  | { readonly kind: 'phase', readonly server: string, readonly policy: Policy, readonly phase: Phase, readonly at: number }
  | { readonly kind: 'wake-finished', readonly server: string, readonly outcome: WakeFinalOutcome, readonly at: number }
  | { readonly kind: 'shutdown-finished', readonly server: string, readonly outcome: ShutdownFinalOutcome, readonly at: number }
  | { readonly kind: 'reload', readonly ok: boolean, readonly at: number }
  | { readonly kind: 'tick', readonly at: number }

/** One message to send: an incident opening (`firing`) or clearing (`resolved`). */
export interface Alert {
  readonly event: AlertEvent
  readonly status: 'firing' | 'resolved'
  /** null for Hall-wide incidents (a rejected config). */
  readonly server: string | null
  readonly at: number
  readonly message: string
}

export interface TrackerSettings {
  readonly downAfterMs: number
  readonly flappingChangesPerHour: number
}

export interface IncidentTracker {
  /** Feeds one observation; returns the alerts it opens or clears, in order. */
  observe (o: Observation): Alert[]
  /** New thresholds from a reload: open incidents and outage times carry over. */
  reconfigure (settings: TrackerSettings): void
}

const HOUR_MS = 3_600_000
const isUp = (phase: Phase): boolean => phase === 'RUNNING' || phase === 'IDLE'

/**
 * Pure: observations and their times in, alerts out, no clock of its own. An incident is open
 * from its first alert to its recovery; while open, the same cause sends nothing more.
 */
export function createIncidentTracker (initial: TrackerSettings): IncidentTracker {
  let settings = initial
  const open = new Map<string, Alert>()
  const phases = new Map<string, Phase>()
  const policies = new Map<string, Policy>()
  const downSince = new Map<string, number>()
  const changes = new Map<string, number[]>()

  function fire (event: AlertEvent, server: string | null, at: number, message: string): Alert[] {
    const key = `${event} ${server ?? ''}`
    if (open.has(key)) return []
    const alert: Alert = { event, status: 'firing', server, at, message }
    open.set(key, alert)
    return [alert]
  }

  function resolve (event: AlertEvent, server: string | null, at: number, message: string): Alert[] {
    const key = `${event} ${server ?? ''}`
    if (!open.delete(key)) return []
    return [{ event, status: 'resolved', server, at, message }]
  }

  /** Time-driven checks: a long outage, and the flapping window sliding past old changes. */
  function check (at: number): Alert[] {
    const out: Alert[] = []
    for (const [server, since] of downSince) {
      if (policies.get(server) === 'always_on' && at - since >= settings.downAfterMs) {
        out.push(...fire('always_on_down', server, at, `${server} (always_on) has been down for ${Math.round((at - since) / 60_000)} min`))
      }
    }
    for (const [server, times] of changes) {
      while (times.length > 0 && times[0]! <= at - HOUR_MS) times.shift()
      if (times.length > settings.flappingChangesPerHour) {
        out.push(...fire('flapping', server, at, `${server} changed state ${times.length} times within an hour`))
      } else if (times.length <= settings.flappingChangesPerHour / 2) {
        // half the threshold: a server hovering at the limit does not open and close incidents all day
        out.push(...resolve('flapping', server, at, `${server} has settled: ${times.length} state changes in the last hour`))
      }
    }
    return out
  }

  function onPhase (o: Extract<Observation, { kind: 'phase' }>): Alert[] {
    const out: Alert[] = []
    const before = phases.get(o.server)
    phases.set(o.server, o.phase)
    policies.set(o.server, o.policy)
    if (before === o.phase) return [] // a probe count or a timer changed, not the phase: the tick checks time
    if (before !== undefined) changes.set(o.server, [...(changes.get(o.server) ?? []), o.at])
    if (isUp(o.phase)) {
      downSince.delete(o.server)
      out.push(...resolve('always_on_down', o.server, o.at, `${o.server} serves again`))
      out.push(...resolve('wake_failed', o.server, o.at, `${o.server} is up: it woke after all`))
    } else if (o.phase !== 'UNKNOWN' && !downSince.has(o.server)) {
      // UNKNOWN is Hall not knowing yet (just started), not the server being down
      downSince.set(o.server, o.at)
    }
    if (o.policy !== 'always_on' || o.phase === 'UNKNOWN') out.push(...resolve('always_on_down', o.server, o.at, `${o.server} is no longer expected to be up`))
    if (o.phase === 'OFFLINE') out.push(...resolve('shutdown_failed', o.server, o.at, `${o.server} is off now`))
    return [...out, ...check(o.at)]
  }

  return {
    reconfigure (next) { settings = next },
    observe (o) {
      switch (o.kind) {
        case 'phase': return onPhase(o)
        case 'wake-finished':
          if (o.outcome === 'failed' || o.outcome === 'timeout') return fire('wake_failed', o.server, o.at, `waking ${o.server} ${o.outcome === 'failed' ? 'failed' : 'timed out'}`)
          if (o.outcome === 'running') return resolve('wake_failed', o.server, o.at, `${o.server} woke`)
          return []
        case 'shutdown-finished':
          if (o.outcome === 'failed' || o.outcome === 'timeout') return fire('shutdown_failed', o.server, o.at, `shutting ${o.server} down ${o.outcome === 'failed' ? 'failed' : 'never completed'}`)
          if (o.outcome === 'off') return resolve('shutdown_failed', o.server, o.at, `${o.server} shut down`)
          return []
        case 'reload':
          return o.ok
            ? resolve('config_rejected', null, o.at, 'a good domains.json is in force again')
            : fire('config_rejected', null, o.at, 'domains.json was rejected: the last good config stays in force')
        case 'tick': return check(o.at)
        default: return assertNever(o)
      }
    }
  }
}
