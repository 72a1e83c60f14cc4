import type { Clock } from '../../clock.js'
import type { EnergyEnv } from '../../config/env.js'
import type { HallConfig } from '../../config/types.js'
import { collectEnergyReport, hallTimeZone } from '../../energy/collect.js'
import type { HallStore } from '../../store/index.js'

/** The window of hall_energy_saved_kwh: a day, so the gauge follows the daily pattern of use. */
export const ENERGY_WINDOW_MS = 24 * 3600_000
/** Scrapes come every 15 s; the report reads SQLite, and a day's figure moves little in a minute. */
const RECOMPUTE_EVERY_MS = 60_000

export interface EnergySavedDeps {
  readonly store: Pick<HallStore, 'uptime' | 'energyFacts' | 'activity'>
  readonly config: () => HallConfig
  readonly energy: EnergyEnv
  readonly clock: Clock
  readonly log: { error (obj: object, msg: string): void }
}

/** kWh saved per server with `power` over the last 24 hours, from the energy report itself (energy/). */
export type EnergySavedReader = () => ReadonlyMap<string, number>

export function readEnergySaved (deps: EnergySavedDeps): EnergySavedReader {
  let saved: ReadonlyMap<string, number> = new Map()
  let computedAt = -Infinity
  return () => {
    const now = deps.clock.now()
    if (now - computedAt < RECOMPUTE_EVERY_MS) return saved
    computedAt = now
    try {
      const report = collectEnergyReport(deps.store, deps.config(), deps.energy, { from: now - ENERGY_WINDOW_MS, to: now }, now, hallTimeZone())
      saved = new Map(report.servers.flatMap(s => s.energy.kwh_saved === null ? [] : [[s.name, s.energy.kwh_saved] as const]))
    } catch (err) {
      // a locked or failing database costs this figure one minute, never the scrape
      deps.log.error({ err }, 'could not compute the energy saved for /metrics')
    }
    return saved
  }
}
