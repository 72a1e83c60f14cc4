import { parseArgs } from 'node:util'
import { readEnv } from '../config/env.js'
import { loadConfigFile } from '../config/load.js'
import type { EnergyReport } from '../contract/energy.js'
import { collectEnergyReport, hallTimeZone } from '../energy/collect.js'
import { resolvePeriod, type PeriodName } from '../energy/period.js'
import { createActivity } from '../store/activity.js'
import { openStore } from '../store/db.js'
import { createEnergyFacts } from '../store/energy-facts.js'
import { createUptime } from '../store/uptime.js'
import { renderTable } from './format.js'
import { UsageError } from './usage-error.js'

const periods: readonly PeriodName[] = ['today', '7d', '30d']

/**
 * `hall energy [--period today|7d|30d] [--from ISO --to ISO] [--json]`: the report GET /api/energy
 * gives, computed by the same code from the database (HALL_DB) and domains.json (HALL_CONFIG),
 * so it works while Hall is stopped too. --json prints exactly the API's answer.
 */
export async function energyCommand (args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { period: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean', default: false } }
  })
  if (values.period !== undefined && !periods.includes(values.period as PeriodName)) throw new UsageError(`--period must be today, 7d or 30d, not "${values.period}"`)
  const env = readEnv()
  const now = Date.now()
  const timeZone = hallTimeZone()
  const period = resolvePeriod({ from: values.from, to: values.to, period: values.period as PeriodName | undefined }, now, timeZone)
  if (typeof period === 'string') throw new UsageError(period)
  const config = loadConfigFile(env.configFile)
  const db = openStore(env.dbFile)
  let report: EnergyReport
  try {
    report = collectEnergyReport({ uptime: createUptime(db), energyFacts: createEnergyFacts(db), activity: createActivity(db) }, config, env.energy, period, now, timeZone)
  } finally {
    db.close()
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderEnergy(report))
  return 0
}

/** The report as a person reads it in a terminal: one line per server, then the net total. */
export function renderEnergy (r: EnergyReport): string {
  const kwh = (n: number | null): string => (n === null ? '-' : n.toFixed(3))
  const pct = (n: number | null): string => (n === null ? '-' : `${(n * 100).toFixed(1)} %`)
  const hours = (n: number): string => n.toFixed(2)
  const secs = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`)
  const rows = r.servers.map(s => [
    s.name, s.policy,
    hours(s.hours.running + s.hours.idle), hours(s.hours.waking + s.hours.booting + s.hours.shutdown), hours(s.hours.offline), hours(s.hours.unknown),
    kwh(s.energy.kwh_used), kwh(s.energy.kwh_always_on), kwh(s.energy.kwh_saved), pct(s.energy.share_saved),
    pct(s.availability.share_serving),
    `${s.wakes.by_outcome.running}/${s.wakes.by_outcome.failed + s.wakes.by_outcome.timeout}`, secs(s.wakes.median_ms), secs(s.wakes.p95_ms),
    `${s.navigations.waited}/${s.navigations.passed}`
  ])
  const money = r.total.money_saved === null ? '' : `, ${r.total.money_saved.toFixed(2)} ${r.currency} at ${r.price_per_kwh} ${r.currency}/kWh`
  return [
    `Energy from ${r.from} to ${r.to} (Hall ran ${hours(r.hall_hours)} h of it; days in ${r.time_zone})\n`,
    renderTable(['SERVER', 'POLICY', 'UP h', 'WAKE/BOOT/STOP h', 'OFFLINE h', 'UNKNOWN h', 'kWh USED', 'kWh ALWAYS ON', 'kWh SAVED', 'SAVED',
      'AVAILABLE', 'WAKES OK/FAILED', 'MEDIAN', 'P95', 'WAITED/PASSED'], rows),
    `Total: ${kwh(r.total.kwh_used)} kWh used (gateway ${kwh(r.total.kwh_gateway)}), ${kwh(r.total.kwh_always_on)} kWh always on, ` +
      `${kwh(r.total.kwh_saved)} kWh saved net (${pct(r.total.share_saved)})${money}\n`,
    r.total.servers_without_power.length === 0 ? '' : `No power configured (hours only): ${r.total.servers_without_power.join(', ')}\n`,
    'UNKNOWN: Hall was down or had not probed yet; counted on neither side of the saving.\n'
  ].join('')
}
