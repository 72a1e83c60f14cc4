import type { HallConfig } from '../config/types.js'
import type { EnergyEnv } from '../config/env.js'
import type { EnergyReport } from '../contract/energy.js'
import type { Phase } from '../ports/phases.js'
import type { WakeOutcome, WakeTrigger } from '../ports/power-records.js'
import type { HallStore } from '../store/index.js'
import { UPTIME_BEAT_MS } from '../store/index.js'
import { energyReport } from './report.js'
import type { Span } from './timeline.js'

/** A run whose last beat is this recent belongs to a Hall that is still running: it counts up to now. */
const ALIVE_SLACK_MS = UPTIME_BEAT_MS + 15_000

/** Hall's own time zone (TZ, else the system's), as `date` would print it: the per-day breakdown and the admin's times. Read when used, not at start (ICU's zone data costs milliseconds). */
export function hallTimeZone (): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone
}

/**
 * Reads what the report needs from the store and the config, then computes it (energy/report.ts).
 * The API and `hall energy` both call this, so they cannot disagree.
 */
export function collectEnergyReport (store: Pick<HallStore, 'uptime' | 'energyFacts' | 'activity'>, config: HallConfig,
  env: EnergyEnv, period: Span, now: number, timeZone: string): EnergyReport {
  const runs = store.uptime.runsBetween(period.from, period.to).map(r => ({ from: r.startedAt, to: r.lastSeenAt }))
  const latest = runs.at(-1)
  if (latest !== undefined && now - latest.to <= ALIVE_SLACK_MS) runs[runs.length - 1] = { from: latest.from, to: Math.max(latest.to, now) }
  const domainsOf = new Map<string, string[]>()
  for (const d of config.domains.values()) domainsOf.set(d.server, [...(domainsOf.get(d.server) ?? []), d.host])
  const servers = [...config.servers.values()].map(server => {
    const navigations = { waited: 0, passed: 0 }
    for (const host of domainsOf.get(server.name) ?? []) {
      const n = store.activity.navigationsBetween(host, period.from, period.to)
      navigations.waited += n.waited
      navigations.passed += n.passed
    }
    return {
      name: server.name,
      policy: server.policy,
      power: server.power,
      schedule: server.schedule,
      // the store holds them to the known lists (migration 3's checks; transitions are written by the lifecycle only)
      transitions: store.energyFacts.transitions(server.name, period.from, period.to).map(t => ({ from: t.from as Phase, to: t.to as Phase, at: t.at })),
      wakes: store.energyFacts.wakes(server.name, period.from, period.to).map(w => ({ trigger: w.trigger as WakeTrigger, outcome: w.outcome as WakeOutcome, requestedAt: w.requestedAt, runningAt: w.runningAt })),
      navigations
    }
  })
  return energyReport({ period, timeZone, hallUp: runs, gatewayWatts: env.gatewayWatts, pricePerKwh: env.pricePerKwh, currency: env.currency, servers })
}
