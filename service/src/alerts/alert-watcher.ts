import type { Clock, Timer } from '../clock.js'
import { SENDABLE_HEADER_VALUE } from '../config/alerts-schema.js'
import type { AlertTarget } from '../config/types.js'
import type { Fleet } from '../lifecycle/fleet.js'
import type { ShutdownOutcome, WakeOutcome } from '../ports/power-records.js'
import { secretVariables, type SecretLookup } from './alert-request.js'
import { createAlertSender, type AlertLog, type AlertSender, type RetryPolicy } from './alert-sender.js'
import { createIncidentTracker, type IncidentTracker, type Observation } from './incident-tracker.js'

/** How often time-driven incidents (a long outage, flapping settling) are checked. */
export const ALERT_CHECK_MS = 30_000

/** The latest wake and shutdown of each server, from memory (http/recent-power-history.ts): no query. */
export interface LatestRecords {
  latest (server: string): { readonly id: number, readonly outcome: WakeOutcome } | null
  latestShutdown (server: string): { readonly id: number, readonly outcome: ShutdownOutcome } | null
}

export interface AlertWatcherDeps {
  readonly fleet: Fleet
  readonly records: LatestRecords
  readonly clock: Clock
  readonly log: AlertLog
  readonly secrets: SecretLookup
  readonly retry?: RetryPolicy
}

export interface AlertWatcher {
  /** The reloader's verdict on a new domains.json. */
  noteReload (ok: boolean): void
  /** Resolves once every alert so far was delivered or given up (tests). */
  settled (): Promise<void>
  close (): void
}

/**
 * Watches the fleet's state changes, the wake and shutdown records as the lifecycle finishes
 * them, and the reloader's verdicts, and hands what each target's tracker makes of them to the
 * sender. It only reads memory; sending happens beside, never in the lifecycle's way.
 */
export function watchForAlerts (deps: AlertWatcherDeps): AlertWatcher {
  const { fleet, records, clock } = deps
  const sender: AlertSender = createAlertSender({ clock, log: deps.log, secrets: deps.secrets, retry: deps.retry })
  // one tracker per target, by label: its thresholds are its own, and a reload keeps its open incidents
  const trackers = new Map<string, IncidentTracker>()
  // the last finished record seen per server: an outcome already there at start is old news
  const seen = new Map<string, string>()
  let timer: Timer | null = null
  let closed = false

  function observe (o: Observation): void {
    const targets = fleet.config().alerts
    for (const target of targets) {
      const tracker = trackerOf(target)
      for (const alert of tracker.observe(o)) if (target.events.has(alert.event)) sender.send(target, alert)
    }
    // a target gone from domains.json: its incidents go with it (and a new one under its label starts afresh)
    const labels = new Set(targets.map(t => t.label))
    for (const label of trackers.keys()) if (!labels.has(label)) trackers.delete(label)
  }

  /** The target's tracker, with the thresholds of the config in force now (a reload may have changed them). */
  function trackerOf (target: AlertTarget): IncidentTracker {
    const settings = { downAfterMs: target.downAfterMs, flappingChangesPerHour: target.flappingChangesPerHour }
    let tracker = trackers.get(target.label)
    if (tracker === undefined) {
      tracker = createIncidentTracker(settings)
      trackers.set(target.label, tracker)
    } else {
      tracker.reconfigure(settings) // the same values most times: a plain assignment, cheaper than comparing
    }
    return tracker
  }

  /** Reports a wake or shutdown that finished since last looked at. */
  function checkRecords (server: string, report: boolean): void {
    const wake = records.latest(server)
    if (wake !== null && wake.outcome !== 'pending' && isNew(`wake ${server}`, `${wake.id} ${wake.outcome}`) && report) {
      observe({ kind: 'wake-finished', server, outcome: wake.outcome, at: clock.now() })
    }
    const shutdown = records.latestShutdown(server)
    if (shutdown !== null && shutdown.outcome !== 'pending' && isNew(`shutdown ${server}`, `${shutdown.id} ${shutdown.outcome}`) && report) {
      observe({ kind: 'shutdown-finished', server, outcome: shutdown.outcome, at: clock.now() })
    }
  }

  function isNew (key: string, value: string): boolean {
    if (seen.get(key) === value) return false
    seen.set(key, value)
    return true
  }

  function tick (): void {
    if (closed) return
    for (const server of fleet.config().servers.keys()) checkRecords(server, true)
    observe({ kind: 'tick', at: clock.now() })
    timer = clock.setTimeout(tick, ALERT_CHECK_MS)
    timer.unref?.()
  }

  /** Said at start and after each reload, not at the first incident: a missing token is found before it matters. */
  function warnOfMissingSecrets (): void {
    for (const target of fleet.config().alerts) {
      for (const variable of secretVariables(target)) {
        const value = deps.secrets(variable)
        if (value === null) deps.log.warn({ alertTarget: target.label, variable }, 'an alert target names an environment variable that is not set')
        else if (!SENDABLE_HEADER_VALUE.test(value)) deps.log.warn({ alertTarget: target.label, variable }, 'an alert target names an environment variable whose value is not printable ASCII (a line break?): its alerts cannot be sent')
      }
    }
  }

  warnOfMissingSecrets()
  for (const server of fleet.config().servers.keys()) checkRecords(server, false)
  const unsubscribe = fleet.subscribe((server, state) => {
    const policy = fleet.config().servers.get(server)?.policy
    if (policy === undefined || closed) return
    observe({ kind: 'phase', server, policy, phase: state.phase, at: clock.now() })
    // the record of the wake or shutdown behind this change is finished in the same turn: look next turn
    clock.setImmediate(() => { if (!closed) checkRecords(server, true) })
  })
  timer = clock.setTimeout(tick, ALERT_CHECK_MS)
  timer.unref?.()

  return {
    noteReload (ok) {
      if (closed) return
      observe({ kind: 'reload', ok, at: clock.now() })
      if (ok) warnOfMissingSecrets()
    },
    settled: async () => await sender.settled(),
    close () {
      closed = true
      unsubscribe()
      if (timer !== null) clock.clearTimeout(timer)
      sender.close()
    }
  }
}
