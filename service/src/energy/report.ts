import type { PowerConfig, ScheduleConfig } from '../config/types.js'
import type { DayReport, EnergyReport, ServerReport } from '../contract/energy.js'
import type { Phase } from '../ports/phases.js'
import { servingShare, wakeStats, type WakeFact } from './availability.js'
import { localDays } from './local-days.js'
import { clip, mergedRuns, phaseSpans, type PhaseChange, type PhaseSpan, type Span } from './timeline.js'

export interface ServerFacts {
  readonly name: string
  readonly policy: 'always_on' | 'scheduled' | 'on_demand'
  readonly power: PowerConfig | null
  readonly schedule: ScheduleConfig | null
  /** Oldest first, from the last one before the period (if any) to its end. */
  readonly transitions: readonly PhaseChange[]
  readonly wakes: readonly WakeFact[]
  readonly navigations: { readonly waited: number, readonly passed: number }
}

export interface EnergyFacts {
  readonly period: Span
  /** The per-day breakdown's days are local days here. */
  readonly timeZone: string
  /** The runs of Hall (uptime rows): outside them everything is UNKNOWN. */
  readonly hallUp: readonly Span[]
  readonly gatewayWatts: number
  readonly pricePerKwh: number | null
  readonly currency: string
  readonly servers: readonly ServerFacts[]
}

const HOUR_MS = 3_600_000

/**
 * The energy and availability report, a pure function of what Hall recorded. Energy is watts x
 * hours / 1000 per phase; the always-on comparison uses on_watts over the same known hours, so
 * UNKNOWN time (Hall down, first probe not back yet) adds to neither side and is never guessed.
 */
export function energyReport (facts: EnergyFacts): EnergyReport {
  const { period } = facts
  const hallUp = clip(mergedRuns(facts.hallUp), period.from, period.to)
  const days = localDays(period, facts.timeZone)
  const timelines = facts.servers.map(s => ({ facts: s, spans: phaseSpans(s.transitions, facts.hallUp, period) }))
  const servers: ServerReport[] = timelines.map(({ facts: s, spans }) => {
    const energy = kwhOf(s.power, spans)
    return {
      name: s.name,
      policy: s.policy,
      power: s.power === null ? null : { on_watts: s.power.onWatts, off_watts: s.power.offWatts, boot_watts: s.power.bootWatts },
      hours: phaseHours(spans),
      energy: {
        kwh_used: energy?.used ?? null,
        kwh_always_on: energy?.alwaysOn ?? null,
        kwh_saved: energy === null ? null : energy.alwaysOn - energy.used,
        money_saved: energy === null || facts.pricePerKwh === null ? null : (energy.alwaysOn - energy.used) * facts.pricePerKwh,
        share_saved: energy === null || energy.alwaysOn === 0 ? null : (energy.alwaysOn - energy.used) / energy.alwaysOn
      },
      availability: servingShare(s.policy, s.schedule, spans, period),
      wakes: wakeStats(s.wakes, period),
      navigations: { waited: s.navigations.waited, passed: s.navigations.passed }
    }
  })
  const withPower = servers.filter(s => s.power !== null)
  const hallHours = hoursOf(hallUp)
  const kwhGateway = facts.gatewayWatts * hallHours / 1000
  const kwhUsed = sum(withPower.map(s => s.energy.kwh_used ?? 0)) + kwhGateway
  const kwhAlwaysOn = sum(withPower.map(s => s.energy.kwh_always_on ?? 0))
  const kwhSaved = kwhAlwaysOn - kwhUsed
  return {
    from: new Date(period.from).toISOString(),
    to: new Date(period.to).toISOString(),
    time_zone: facts.timeZone,
    currency: facts.currency,
    price_per_kwh: facts.pricePerKwh,
    hall_hours: hallHours,
    servers,
    total: {
      kwh_used: kwhUsed,
      kwh_always_on: kwhAlwaysOn,
      kwh_gateway: kwhGateway,
      kwh_saved: kwhSaved,
      money_saved: facts.pricePerKwh === null ? null : kwhSaved * facts.pricePerKwh,
      share_saved: kwhAlwaysOn === 0 ? null : kwhSaved / kwhAlwaysOn,
      servers_without_power: servers.filter(s => s.power === null).map(s => s.name)
    },
    days: days.map((day): DayReport => {
      const perServer = timelines.map(({ facts: s, spans }) => ({ name: s.name, spans: clip(spans, day.from, day.to), kwh: kwhOf(s.power, clip(spans, day.from, day.to)) }))
      const gateway = facts.gatewayWatts * hoursOf(clip(hallUp, day.from, day.to)) / 1000
      const used = sum(perServer.map(p => p.kwh?.used ?? 0)) + gateway
      const alwaysOn = sum(perServer.map(p => p.kwh?.alwaysOn ?? 0))
      return {
        date: day.date,
        from: new Date(day.from).toISOString(),
        to: new Date(day.to).toISOString(),
        servers: Object.fromEntries(perServer.map(p => [p.name, {
          kwh_used: p.kwh?.used ?? null,
          kwh_saved: p.kwh === null ? null : p.kwh.alwaysOn - p.kwh.used,
          hours_unknown: hoursOf(p.spans.filter(s => s.phase === 'UNKNOWN'))
        }])),
        total: { kwh_used: used, kwh_saved: alwaysOn - used }
      }
    })
  }
}

/** The draw of each phase: the server's power config decides, UNKNOWN draws nothing we could know. */
function wattsIn (power: PowerConfig, phase: Phase): number {
  switch (phase) {
    case 'RUNNING': case 'IDLE': case 'SHUTDOWN': return power.onWatts
    case 'WAKING': case 'BOOTING': return power.bootWatts
    case 'OFFLINE': return power.offWatts
    case 'UNKNOWN': return 0
  }
}

function kwhOf (power: PowerConfig | null, spans: readonly PhaseSpan[]): { used: number, alwaysOn: number } | null {
  if (power === null) return null
  let used = 0
  let knownHours = 0
  for (const s of spans) {
    if (s.phase === 'UNKNOWN') continue
    const hours = (s.to - s.from) / HOUR_MS
    used += wattsIn(power, s.phase) * hours / 1000
    knownHours += hours
  }
  return { used, alwaysOn: power.onWatts * knownHours / 1000 }
}

function phaseHours (spans: readonly PhaseSpan[]): ServerReport['hours'] {
  const hours = { unknown: 0, offline: 0, waking: 0, booting: 0, running: 0, idle: 0, shutdown: 0 }
  for (const s of spans) hours[s.phase.toLowerCase() as keyof typeof hours] += (s.to - s.from) / HOUR_MS
  return hours
}

const hoursOf = (spans: readonly Span[]): number => sum(spans.map(s => s.to - s.from)) / HOUR_MS
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)
