import { assertNever } from '../assert-never.js'
import type { DomainView, Fleet } from '../lifecycle/fleet.js'
import type { ScheduleConfig, ServerConfig } from '../config/types.js'
import { BOOT_HISTORY, medianBootMs } from '../lifecycle/policy.js'
import { formatLocal, nextChange, windowAt } from '../lifecycle/schedule.js'
import type { ProbeOutcome } from '../lifecycle/ports.js'
import { isServing, type Phase, type ServerState } from '../lifecycle/states.js'
import type { ShutdownRecord, WakeRecord } from '../store/index.js'
import type { Activity, DomainStatus, PowerJson, ProbeJson, PublicError, ScheduleJson, ServerStatus, ShutdownJson, WakeJson } from '../contract/status.js'

// The types these functions return are the contract's (contract/status.ts): a field added here
// and not there does not compile, and a new phase, trigger or outcome must be published there first.
export type { Activity } from '../contract/status.js'

/** What the HTTP layer reads from the store: history for the status API and the waiting page. */
export interface PowerHistory {
  /** The latest wake. */
  latest (server: string): WakeRecord | null
  bootDurationsMs (server: string, limit: number): number[]
  latestShutdown (server: string): ShutdownRecord | null
}

/** The same estimate the scheduler wakes servers ahead by; null before the first boot Hall saw. */
export function expectedBootMs (history: PowerHistory, server: string): number | null {
  return medianBootMs(history.bootDurationsMs(server, BOOT_HISTORY))
}

export function iso (ms: number): string
export function iso (ms: number | null): string | null
export function iso (ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

/** A wake's timeline in the JSON every client reads: when each step happened, and how long it took. */
export function wakeJson (w: WakeRecord | null): WakeJson | null {
  if (w === null) return null
  const after = (at: number | null): number | null => (at === null ? null : at - w.requestedAt)
  return {
    id: w.id,
    trigger: w.trigger,
    method: w.method,
    requested_at: iso(w.requestedAt),
    sent_at: iso(w.sentAt),
    packets_sent: w.packetsSent,
    exit_code: w.exitCode,
    alive_at: iso(w.aliveAt),
    running_at: iso(w.runningAt),
    finished_at: iso(w.finishedAt),
    outcome: w.outcome,
    error: w.errorCode === null ? null : publicError(w.errorCode, w.errorMessage),
    timeline_ms: { sent: after(w.sentAt), alive: after(w.aliveAt), running: after(w.runningAt) }
  }
}

export function shutdownJson (s: ShutdownRecord | null): ShutdownJson | null {
  if (s === null) return null
  return {
    id: s.id,
    trigger: s.trigger,
    requested_at: iso(s.requestedAt),
    sent_at: iso(s.sentAt),
    exit_code: s.exitCode,
    off_at: iso(s.offAt),
    outcome: s.outcome,
    error: s.errorCode === null ? null : publicError(s.errorCode, s.errorMessage)
  }
}

/** Where the server stands in its policy: its idle countdown, and how its last shutdown went. */
function powerJson (server: ServerConfig, state: ServerState | null, history: PowerHistory): PowerJson {
  const idleShutdown = server.policy !== 'always_on' && server.shutdown !== null ? server.idleShutdownMs : null
  const counting = state !== null && isServing(state.phase) && state.idleFrom !== null
  return {
    last_activity_at: iso(state?.lastActivityAt ?? null),
    idle_since: counting ? iso(state.idleFrom) : null,
    idle_shutdown_minutes: idleShutdown === null ? null : idleShutdown / 60_000,
    shutdown_suspended: state?.shutdownSuspended ?? false,
    last_shutdown: shutdownJson(history.latestShutdown(server.name))
  }
}

/** For a scheduled server: whether a window is open, and when that next changes, in UTC and local time. */
export function scheduleJson (schedule: ScheduleConfig | null, now: number): ScheduleJson | null {
  if (schedule === null) return null
  const change = nextChange(schedule, now)
  return {
    timezone: schedule.timezone,
    open: windowAt(schedule, now) !== null,
    next_change: change === null ? null : change.opening ? 'opens' : 'closes',
    next_change_at: change === null ? null : iso(change.at),
    next_change_local: change === null ? null : formatLocal(schedule.timezone, change.at)
  }
}

/** The last probe, check by check: what a person debugging "why is it still BOOTING" needs. */
export function probeJson (probe: (ProbeOutcome & { at: number }) | null): ProbeJson | null {
  if (probe === null) return null
  return {
    at: iso(probe.at),
    alive: probe.alive,
    ready: probe.ready,
    // no target: LAN addresses and health URLs are for the logs, not for anyone on the internet
    checks: probe.checks.map(c => ({ type: c.type, ok: c.ok, reason: c.reason, duration_ms: Math.round(c.durationMs) }))
  }
}

/**
 * The failure a waiting user should see: the latest wake failed or timed out during the current
 * phase, and no other is under way. A failure older than the phase (yesterday's, or one from
 * before a restart) is history, not news.
 */
export function currentFailure (phase: Phase, since: number, wake: WakeRecord | null): PublicError | null {
  if (phase === 'UNKNOWN' || isServing(phase) || wake === null) return null
  if (wake.outcome !== 'failed' && wake.outcome !== 'timeout') return null
  if (wake.finishedAt === null || wake.finishedAt < since) return null
  return publicError(wake.errorCode ?? 'HALL_ERR_WAKE_TIMEOUT', wake.errorMessage)
}

/**
 * An error as anyone may read it: the status API is published on Hall's public host, and relay
 * errors name users, hosts, ports and key files. The full message is in the log and the event log.
 */
export function publicError (code: string, message: string | null): PublicError {
  if (code === 'HALL_ERR_WAKE_TIMEOUT' || code === 'HALL_ERR_SHUTDOWN_TIMEOUT') return { code, message: message ?? 'it took too long' }
  if (code.startsWith('HALL_ERR_SSH_')) return { code, message: 'the relay could not run the command' }
  if (code.endsWith('_CANCELLED')) return { code, message: 'called off' }
  return { code, message: 'the command could not be sent' }
}

// an HTTP check that got an answer, just not the expected one: the host is up, its application is not
const answeredReasons = new Set(['status', 'body'])

/**
 * BOOTING covers both "the OS is coming up" and "the OS is up, the application is not": the
 * last probe tells them apart. The application is starting once an HTTP check gets an answer,
 * or once every other check (ping, TCP) passes and only HTTP checks fail.
 */
export function currentActivity (phase: Phase, probe: ProbeOutcome | null): Activity {
  switch (phase) {
    case 'UNKNOWN': return 'checking'
    case 'OFFLINE': return 'asleep'
    case 'WAKING': return 'waking'
    case 'RUNNING':
    case 'IDLE': return 'ready'
    case 'SHUTDOWN': return 'shutting-down'
    case 'BOOTING': {
      const checks = probe?.checks ?? []
      const http = checks.filter(c => c.type === 'http')
      const others = checks.filter(c => c.type !== 'http' && c.reason !== 'unavailable')
      if (http.some(c => !c.ok && c.reason !== null && answeredReasons.has(c.reason))) return 'starting-app'
      if (http.some(c => !c.ok) && others.length > 0 && others.every(c => c.ok)) return 'starting-app'
      return 'booting'
    }
    default:
      return assertNever(phase)
  }
}

/** The status JSON of one domain as /api/status/:domain and /api/events/:domain send it; null when unknown. */
export function statusOfDomain (fleet: Pick<Fleet, 'lookup' | 'supervisor'>, history: PowerHistory, host: string, fallbackSince: number, now: number): DomainStatus | null {
  const view = fleet.lookup(host)
  if (view === undefined) return null
  const supervisor = fleet.supervisor(view.server.name)
  return domainStatusJson(view, supervisor?.state() ?? null, fallbackSince, history, supervisor?.lastProbe() ?? null, now)
}

/** One server as `hall status` reads it: its state, last wake, countdown and domains, listed or not. */
export function serverStatusJson (server: ServerConfig, domains: readonly string[], fleet: Pick<Fleet, 'supervisor'>, history: PowerHistory, fallbackSince: number, now: number): ServerStatus {
  const supervisor = fleet.supervisor(server.name)
  const state = supervisor?.state() ?? null
  return {
    server: server.name,
    state: state?.phase ?? 'UNKNOWN',
    since: iso(state?.since ?? fallbackSince),
    policy: server.policy,
    domains: [...domains],
    last_wake: wakeJson(history.latest(server.name)),
    power: powerJson(server, state, history),
    schedule: scheduleJson(server.schedule, now)
  }
}

export function domainStatusJson (view: DomainView, state: ServerState | null, fallbackSince: number, history: PowerHistory, probe: (ProbeOutcome & { at: number }) | null, now: number): DomainStatus {
  const since = state?.since ?? fallbackSince
  const boot = expectedBootMs(history, view.server.name)
  const wake = history.latest(view.server.name)
  return {
    domain: view.domain.host,
    server: view.server.name,
    state: view.phase,
    activity: currentActivity(view.phase, probe),
    since: iso(since),
    policy: view.server.policy,
    expected_boot_seconds: boot === null ? null : Math.round(boot / 1000),
    failure: currentFailure(view.phase, since, wake),
    last_wake: wakeJson(wake),
    last_probe: probeJson(probe),
    power: powerJson(view.server, state, history),
    schedule: scheduleJson(view.server.schedule, now)
  }
}
