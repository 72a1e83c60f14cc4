import test from 'node:test'
import assert from 'node:assert/strict'
import { energyReport, type ServerFacts } from '../../../service/src/energy/report.js'
import type { Phase } from '../../../service/src/ports/phases.js'
import type { WakeOutcome, WakeTrigger } from '../../../service/src/ports/power-records.js'
import type { ScheduleConfig } from '../../../service/src/config/types.js'
import * as fx from '../../fixtures/energy/paris-dst.js'
import { assertClose } from '../../helpers/assert-close.js'

function serverFacts (name: keyof typeof fx.servers): ServerFacts {
  const s = fx.servers[name]
  const power = s.power === null ? null : { onWatts: s.power.on_watts, offWatts: s.power.off_watts, bootWatts: 'boot_watts' in s.power ? s.power.boot_watts : s.power.on_watts }
  return {
    name,
    policy: s.policy,
    power,
    schedule: 'schedule' in s ? s.schedule as unknown as ScheduleConfig : null,
    transitions: s.transitions.map(t => ({ from: t.from as Phase, to: t.to as Phase, at: t.at })),
    wakes: s.wakes.map(w => ({ ...w, trigger: w.trigger as WakeTrigger, outcome: w.outcome as WakeOutcome })),
    navigations: s.navigations
  }
}

// schedule.ts reads windows in minutes; the fixture writes them as the file does
const erpSchedule: ScheduleConfig = { timezone: 'Europe/Paris', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], fromMinute: 8 * 60, toMinute: 19 * 60 }] }

const report = energyReport({
  period: fx.period,
  timeZone: fx.timeZone,
  hallUp: fx.hallRuns.map(r => ({ from: r.startedAt, to: r.lastSeenAt })),
  gatewayWatts: fx.gatewayWatts,
  pricePerKwh: fx.pricePerKwh,
  currency: 'EUR',
  servers: [serverFacts('testing'), { ...serverFacts('erp'), schedule: erpSchedule }, serverFacts('nas')]
})
const server = (name: string) => report.servers.find(s => s.name === name)!

test('hours in each phase, with Hall\'s downtime and the wait for the first probe as UNKNOWN', () => {
  assertClose(report.hall_hours, fx.expected.hallHours)
  for (const name of ['testing', 'erp', 'nas'] as const) {
    const hours = server(name).hours
    for (const [phase, value] of Object.entries(fx.expected[name].hours)) assertClose(hours[phase as keyof typeof hours], value, `${name} ${phase}`)
    assertClose(Object.values(hours).reduce((a, b) => a + b, 0), 71, `${name}: every hour of the period, once`)
  }
})

test('kWh used, always on, saved, its share and its price, per server', () => {
  for (const name of ['testing', 'erp'] as const) {
    const e = server(name).energy
    const x = fx.expected[name]
    assertClose(e.kwh_used!, x.kwhUsed, `${name} used`)
    assertClose(e.kwh_always_on!, x.kwhAlwaysOn, `${name} always on`)
    assertClose(e.kwh_saved!, x.kwhSaved, `${name} saved`)
    assertClose(e.share_saved!, x.shareSaved, `${name} share`)
    assertClose(e.money_saved!, x.moneySaved, `${name} money`)
  }
})

test('a server without power has its hours and no kWh, and stays out of the totals', () => {
  assert.deepEqual(server('nas').energy, { kwh_used: null, kwh_always_on: null, kwh_saved: null, money_saved: null, share_saved: null })
  assert.deepEqual(report.total.servers_without_power, ['nas'])
})

test('the fleet total is net of the gateway', () => {
  const t = fx.expected.total
  assertClose(report.total.kwh_gateway, t.kwhGateway)
  assertClose(report.total.kwh_used, t.kwhUsed)
  assertClose(report.total.kwh_always_on, t.kwhAlwaysOn)
  assertClose(report.total.kwh_saved, t.kwhSaved)
  assertClose(report.total.share_saved!, t.shareSaved)
  assertClose(report.total.money_saved!, t.moneySaved)
})

test('availability: always_on over known time, scheduled over known window time, on_demand none', () => {
  assert.equal(server('testing').availability.share_serving, null)
  for (const name of ['erp', 'nas'] as const) {
    const a = server(name).availability
    const x = fx.expected[name].availability
    assertClose(a.share_serving!, x.share, `${name} share`)
    assertClose(a.hours_considered, x.considered, `${name} hours considered`)
    assertClose(a.hours_serving, x.serving, `${name} hours serving`)
  }
})

test('wakes by outcome within the period, median and p95 from request to RUNNING, navigations', () => {
  for (const name of ['testing', 'erp', 'nas'] as const) {
    const w = server(name).wakes
    const x = fx.expected[name].wakes
    assert.deepEqual([w.by_outcome.running, w.by_outcome.failed, w.median_ms, w.p95_ms], [x.running, x.failed, x.medianMs, x.p95Ms], name)
  }
  assert.deepEqual(server('testing').navigations, { waited: 2, passed: 5 })
})

test('per local day in Europe/Paris: the DST Sunday lasts 23 hours, and the days add up to the period', () => {
  assert.deepEqual(report.days.map(d => [d.date, (Date.parse(d.to) - Date.parse(d.from)) / 3_600_000]), fx.expected.days.map(d => [d.date, d.hours]))
  for (const [i, x] of fx.expected.days.entries()) {
    const day = report.days[i]!
    for (const name of ['testing', 'erp'] as const) {
      assertClose(day.servers[name]!.kwh_used!, x[name].used, `${x.date} ${name} used`)
      assertClose(day.servers[name]!.kwh_saved!, x[name].saved, `${x.date} ${name} saved`)
    }
    assert.equal(day.servers.nas!.kwh_used, null)
    assertClose(day.total.kwh_used, x.total.used, `${x.date} total used`)
    assertClose(day.total.kwh_saved, x.total.saved, `${x.date} total saved`)
  }
  assertClose(report.days.reduce((a, d) => a + d.total.kwh_used, 0), report.total.kwh_used, 'the days add up')
  assertClose(report.days[1]!.servers.testing!.hours_unknown, 4 + 30 / 3600, 'Sunday\'s unknown hours')
})

test('a period Hall never ran in is all UNKNOWN: nothing used, nothing saved, nothing guessed', () => {
  const empty = energyReport({ period: { from: 0, to: 3_600_000 }, timeZone: 'UTC', hallUp: [], gatewayWatts: 4, pricePerKwh: null, currency: 'EUR', servers: [serverFacts('testing')] })
  assert.equal(empty.servers[0]!.hours.unknown, 1)
  assert.deepEqual(empty.servers[0]!.energy, { kwh_used: 0, kwh_always_on: 0, kwh_saved: 0, money_saved: null, share_saved: null })
  assert.deepEqual([empty.total.kwh_used, empty.total.kwh_saved, empty.total.share_saved], [0, 0, null])
})
