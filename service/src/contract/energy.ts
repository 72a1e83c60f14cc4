import { z } from 'zod'
import { wakeOutcomes } from '../ports/power-records.js'

// The energy and availability report: GET /api/energy, `hall energy --json`, and the admin's
// Energy page read it. Declared once: the route serializes with it, the CLI and the tests parse
// with it. Hours and kWh are plain numbers (not rounded: the readers round for display).
// UNKNOWN hours (Hall was down, or had not probed the server yet) count on neither side of a saving.

const time = z.iso.datetime()
const policy = z.enum(['always_on', 'scheduled', 'on_demand'])

/** Hours spent in each phase over the period; `unknown` is time Hall cannot account for. */
export const phaseHoursSchema = z.object({
  unknown: z.number(),
  offline: z.number(),
  waking: z.number(),
  booting: z.number(),
  running: z.number(),
  idle: z.number(),
  shutdown: z.number()
})

/** kWh for a server with `power`; all null for one without. */
export const energyFiguresSchema = z.object({
  /** What it drew: RUNNING, IDLE, SHUTDOWN at on_watts, WAKING, BOOTING at boot_watts, OFFLINE at off_watts. */
  kwh_used: z.number().nullable(),
  /** What it would have drawn always on (on_watts) over the same known hours. */
  kwh_always_on: z.number().nullable(),
  kwh_saved: z.number().nullable(),
  /** kwh_saved x HALL_ENERGY_PRICE; null without a price. */
  money_saved: z.number().nullable(),
  /** kwh_saved / kwh_always_on, from 0 to 1; null when nothing is known. */
  share_saved: z.number().nullable()
})

export const wakeStatsSchema = z.object({
  /** Wakes requested in the period, by outcome (every outcome present). */
  by_outcome: z.object(Object.fromEntries(wakeOutcomes.map(o => [o, z.number().int()])) as Record<typeof wakeOutcomes[number], z.ZodNumber>),
  /** From the request to RUNNING, for Hall's own wakes that got there (external boots left out). */
  median_ms: z.number().nullable(),
  p95_ms: z.number().nullable()
})

export const serverReportSchema = z.object({
  name: z.string(),
  policy,
  power: z.object({ on_watts: z.number(), off_watts: z.number(), boot_watts: z.number() }).nullable(),
  hours: phaseHoursSchema,
  energy: energyFiguresSchema,
  availability: z.object({
    /** always_on: of the known hours; scheduled: of the known hours inside its windows; on_demand: null. */
    share_serving: z.number().nullable(),
    /** The hours that share is taken over (known hours, or known window hours). */
    hours_considered: z.number(),
    hours_serving: z.number()
  }),
  wakes: wakeStatsSchema,
  /** Browser navigations sent to the waiting page (people who waited) and passed straight through. */
  navigations: z.object({ waited: z.number().int(), passed: z.number().int() })
})

export const dayReportSchema = z.object({
  /** The local date in `time_zone`, YYYY-MM-DD; a DST day lasts 23 or 25 hours. */
  date: z.string(),
  from: time,
  to: time,
  servers: z.record(z.string(), z.object({ kwh_used: z.number().nullable(), kwh_saved: z.number().nullable(), hours_unknown: z.number() })),
  total: z.object({ kwh_used: z.number(), kwh_saved: z.number() })
})

export const energyReportSchema = z.object({
  from: time,
  to: time,
  /** The time zone of the per-day breakdown (Hall's, from TZ). */
  time_zone: z.string(),
  currency: z.string(),
  price_per_kwh: z.number().nullable(),
  /** Hours Hall itself was running in the period: the time anything is known about. */
  hall_hours: z.number(),
  servers: z.array(serverReportSchema),
  total: z.object({
    /** The servers with `power`, plus the gateway. */
    kwh_used: z.number(),
    kwh_always_on: z.number(),
    /** HALL_GATEWAY_WATTS over Hall's hours: the cost of sleeping servers, taken off the saving. */
    kwh_gateway: z.number(),
    /** Net: the servers' saving less the gateway's draw. */
    kwh_saved: z.number(),
    money_saved: z.number().nullable(),
    share_saved: z.number().nullable(),
    /** Servers without `power`: hours only, left out of every kWh. */
    servers_without_power: z.array(z.string())
  }),
  days: z.array(dayReportSchema)
})

export type EnergyReport = z.infer<typeof energyReportSchema>
export type ServerReport = z.infer<typeof serverReportSchema>
export type DayReport = z.infer<typeof dayReportSchema>

/** The query: ISO 8601 instants (or dates); both optional (default: the last 7 days up to now). */
export const energyQuerySchema = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  period: z.enum(['today', '7d', '30d']).optional()
})
