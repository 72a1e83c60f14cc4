import type { ServerResponse } from 'node:http'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { LifecycleStore } from '../../lifecycle/ports.js'
import type { Prober } from '../../ports/probe.js'
import { phases } from '../../ports/phases.js'
import type { EnergySavedReader } from './energy-saved.js'
import { createForwardAuthCounts, forwardAuthOutcomes, type ForwardAuthCounts } from './forward-auth-counts.js'
import { collectNodeMetrics } from './node-metrics.js'
import { observeLifecycleStore, observeProber, observeReloadEvents, type LifecycleTally } from './lifecycle-observer.js'

/** From a warm VM (a second) to a slow server's firmware and disks (ten minutes). */
const BOOT_BUCKETS_SECONDS = [1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600]

/** Outcomes counted under a configured domain; the others have no domain to name. */
const DOMAIN_OUTCOMES = ['pass', 'redirect', 'unavailable'] as const

export interface HallMetrics {
  readonly registry: Registry
  /** Bumped by the forward-auth handler: plain array increments. */
  readonly forwardAuth: ForwardAuthCounts
  /** The lifecycle's store, counting wakes, boot times, shutdowns and reloads as they are written. */
  observeStore (store: LifecycleStore): LifecycleStore
  /** The reloader's event log, counting reloads by result. */
  observeEvents<E extends LifecycleStore['events']> (events: E): E
  observeProber<P extends Prober> (prober: P): Prober
  /** The fleet whose servers' states are published (read at each scrape). */
  watchFleet (fleet: Fleet): void
  /** kWh saved per server over the last day (energy-saved.ts), read at each scrape. */
  watchEnergy (read: EnergySavedReader): void
  noteWaitingPageView (domain: string): void
  /** An /api/events response: counted as a client while it streams. */
  trackEventStream (res: ServerResponse): void
}

/** One registry per Hall: no module-level state, so tests run several Halls in one process. */
export function createHallMetrics (): HallMetrics {
  const registry = new Registry()
  collectNodeMetrics(registry)

  const forwardAuth = createForwardAuthCounts()
  let fleet: Fleet | null = null
  let energySaved: EnergySavedReader | null = null
  const streams = new Set<ServerResponse>()
  const registers = [registry]

  // eslint-disable-next-line no-new -- registered in the registry; collect() reads the plain counts
  new Counter({
    name: 'hall_forward_auth_answers_total',
    help: 'Forward-auth answers by domain and outcome (domain is empty for unknown-domain, no-host and untrusted)',
    labelNames: ['domain', 'outcome'],
    registers,
    collect () {
      this.reset()
      for (const domain of fleet?.config().domains.keys() ?? []) for (const outcome of DOMAIN_OUTCOMES) this.inc({ domain, outcome }, 0)
      for (const outcome of forwardAuthOutcomes) if (!(DOMAIN_OUTCOMES as readonly string[]).includes(outcome)) this.inc({ domain: '', outcome }, 0)
      for (const [domain, counts] of forwardAuth.entries()) {
        counts.forEach((n, i) => { if (n > 0) this.inc({ domain, outcome: forwardAuthOutcomes[i]! }, n) })
      }
    }
  })
  // eslint-disable-next-line no-new -- read from the fleet at each scrape
  new Gauge({
    name: 'hall_server_state',
    help: 'Lifecycle phase of each server: 1 for the current state, 0 for the others',
    labelNames: ['server', 'state'],
    registers,
    collect () {
      this.reset()
      if (fleet === null) return
      for (const server of fleet.config().servers.keys()) {
        const current = fleet.supervisor(server)?.state().phase ?? 'UNKNOWN'
        for (const state of phases) this.set({ server, state }, state === current ? 1 : 0)
      }
    }
  })
  // eslint-disable-next-line no-new -- counted by the open streams' own close events
  new Gauge({
    name: 'hall_event_stream_clients',
    help: 'Waiting pages following a server-sent event stream (/api/events) now',
    registers,
    collect () {
      let open = 0
      for (const res of streams) if (res.headersSent && res.statusCode === 200) open++
      this.set(open)
    }
  })
  // eslint-disable-next-line no-new -- read from the energy report at each scrape
  new Gauge({
    name: 'hall_energy_saved_kwh',
    help: 'kWh saved over the last 24 hours against the server always on (servers with power in domains.json)',
    labelNames: ['server'],
    registers,
    collect () {
      this.reset()
      for (const [server, kwh] of energySaved?.() ?? []) this.set({ server }, kwh)
    }
  })
  const waitingViews = new Counter({ name: 'hall_waiting_page_views_total', help: 'Waiting pages served, by domain', labelNames: ['domain'], registers })
  const wakes = new Counter({ name: 'hall_wakes_total', help: 'Finished wakes by server, trigger and outcome', labelNames: ['server', 'trigger', 'outcome'], registers })
  const boots = new Histogram({ name: 'hall_boot_duration_seconds', help: 'Time from a wake request to RUNNING, for wakes Hall sent', labelNames: ['server'], buckets: BOOT_BUCKETS_SECONDS, registers })
  const shutdowns = new Counter({ name: 'hall_shutdowns_total', help: 'Finished shutdowns by server and outcome', labelNames: ['server', 'outcome'], registers })
  const probeFailures = new Counter({ name: 'hall_probe_failures_total', help: 'Failed health checks by server and check type', labelNames: ['server', 'check'], registers })
  const reloads = new Counter({ name: 'hall_config_reloads_total', help: 'Configuration reloads by result (applied or rejected)', labelNames: ['result'], registers })
  for (const result of ['applied', 'rejected']) reloads.inc({ result }, 0)

  const tally: LifecycleTally = {
    wakeFinished: (server, trigger, outcome) => wakes.inc({ server, trigger, outcome }),
    bootMeasured: (server, seconds) => boots.observe({ server }, seconds),
    shutdownFinished: (server, outcome) => shutdowns.inc({ server, outcome }),
    configReload: (result) => reloads.inc({ result }),
    probeFailed: (server, check) => probeFailures.inc({ server, check })
  }

  return {
    registry,
    forwardAuth,
    observeStore: (store) => observeLifecycleStore(store, tally),
    observeEvents: (events) => observeReloadEvents(events, tally),
    observeProber: (prober) => observeProber(prober, tally),
    watchFleet (watched) { fleet = watched },
    watchEnergy (read) { energySaved = read },
    noteWaitingPageView: (domain) => waitingViews.inc({ domain }),
    trackEventStream (res) {
      streams.add(res)
      res.once('close', () => streams.delete(res))
    }
  }
}
