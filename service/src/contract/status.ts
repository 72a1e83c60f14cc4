import { z } from 'zod'
import { phases } from '../ports/phases.js'
import { shutdownOutcomes, shutdownTriggers, wakeMethods, wakeOutcomes, wakeTriggers } from '../ports/power-records.js'

// The status JSON Hall publishes: GET /api/status/:domain, each event of /api/events/:domain,
// GET /api/status, and what `hall status` reads. Declared once: the HTTP layer serializes with it
// (fields missing here would be dropped from the answer), the CLI and the tests parse with it.
// The waiting page (http/public/waiting.js), the README and monitors read these names: renaming or
// removing a field breaks them. Phases, triggers, methods and outcomes are the lists the lifecycle
// and the store use (ports/): a word added there is published here. This module imports only zod
// and ports/ (lint holds it to that), so the CLI may import it.

/** `Date#toISOString()`: UTC, millisecond precision. */
const time = z.iso.datetime()

export const phaseSchema = z.enum(phases)
/** What the server is doing now, in the words the waiting page uses. */
export const activitySchema = z.enum(['checking', 'asleep', 'waking', 'booting', 'starting-app', 'ready', 'shutting-down'])
export const policySchema = z.enum(['always_on', 'scheduled', 'on_demand'])

/** An error as anyone may read it: its code and a generic message, never hosts, users or key files. */
export const publicErrorSchema = z.object({ code: z.string(), message: z.string() })

/** One wake and its timeline: when each step happened, and how long after the request (ms). */
export const wakeSchema = z.object({
  id: z.number().int(),
  trigger: z.enum(wakeTriggers),
  method: z.enum(wakeMethods),
  requested_at: time,
  sent_at: time.nullable(),
  packets_sent: z.number().int().nullable(),
  exit_code: z.number().int().nullable(),
  alive_at: time.nullable(),
  running_at: time.nullable(),
  finished_at: time.nullable(),
  outcome: z.enum(wakeOutcomes),
  error: publicErrorSchema.nullable(),
  timeline_ms: z.object({ sent: z.number().int().nullable(), alive: z.number().int().nullable(), running: z.number().int().nullable() })
})

export const shutdownSchema = z.object({
  id: z.number().int(),
  trigger: z.enum(shutdownTriggers),
  requested_at: time,
  sent_at: time.nullable(),
  exit_code: z.number().int().nullable(),
  off_at: time.nullable(),
  outcome: z.enum(shutdownOutcomes),
  error: publicErrorSchema.nullable()
})

/** Where the server stands in its policy: its idle countdown, and how its last shutdown went. */
export const powerSchema = z.object({
  last_activity_at: time.nullable(),
  /** Where the idle countdown runs from, while the server is up. */
  idle_since: time.nullable(),
  /** null: never shut down for idleness. May be fractional. */
  idle_shutdown_minutes: z.number().nullable(),
  shutdown_suspended: z.boolean(),
  last_shutdown: shutdownSchema.nullable()
})

/** A scheduled server's window: open now or not, and when that next changes, in UTC and in the schedule's time zone. */
export const scheduleSchema = z.object({
  timezone: z.string(),
  open: z.boolean(),
  next_change: z.enum(['opens', 'closes']).nullable(),
  next_change_at: time.nullable(),
  /** `2026-11-30T08:00:00+01:00`: local time with its offset */
  next_change_local: z.iso.datetime({ offset: true }).nullable()
})

/** The last probe, check by check; no target: LAN addresses and health URLs stay in the logs. */
export const probeSchema = z.object({
  at: time,
  alive: z.boolean(),
  ready: z.boolean(),
  checks: z.array(z.object({
    /** ping, tcp or http */
    type: z.string(),
    ok: z.boolean(),
    /** null when ok; else timeout, refused, unreachable, status, body, unavailable or error */
    reason: z.string().nullable(),
    duration_ms: z.number().int()
  }))
})

/** GET /api/status/:domain, and each `status` event of /api/events/:domain. */
export const domainStatusSchema = z.object({
  domain: z.string(),
  server: z.string(),
  state: phaseSchema,
  activity: activitySchema,
  since: time,
  policy: policySchema,
  /** The median of recent boots; null before Hall has seen one. */
  expected_boot_seconds: z.number().int().nullable(),
  /** The latest wake failed during the current phase: what the waiting page shows. */
  failure: publicErrorSchema.nullable(),
  last_wake: wakeSchema.nullable(),
  last_probe: probeSchema.nullable(),
  power: powerSchema,
  schedule: scheduleSchema.nullable()
})

/** One server as `hall status` reads it, its domains listed or not. */
export const serverStatusSchema = z.object({
  server: z.string(),
  state: phaseSchema,
  since: time,
  policy: policySchema,
  domains: z.array(z.string()),
  last_wake: wakeSchema.nullable(),
  power: powerSchema,
  schedule: scheduleSchema.nullable()
})

/** GET /api/status: `servers` only for a caller on the gateway itself. */
export const statusListSchema = z.object({
  domains: z.array(domainStatusSchema),
  servers: z.array(serverStatusSchema).optional()
})

export type Phase = z.infer<typeof phaseSchema>
export type Activity = z.infer<typeof activitySchema>
export type PublicError = z.infer<typeof publicErrorSchema>
export type WakeJson = z.infer<typeof wakeSchema>
export type ShutdownJson = z.infer<typeof shutdownSchema>
export type PowerJson = z.infer<typeof powerSchema>
export type ScheduleJson = z.infer<typeof scheduleSchema>
export type ProbeJson = z.infer<typeof probeSchema>
export type DomainStatus = z.infer<typeof domainStatusSchema>
export type ServerStatus = z.infer<typeof serverStatusSchema>
export type StatusList = z.infer<typeof statusListSchema>
