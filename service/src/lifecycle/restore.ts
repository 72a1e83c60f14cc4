import { assertNever } from '../assert-never.js'
import type { ServerConfig } from '../config/types.js'
import { shutdownTriggers, wakeMethods, wakeTriggers, type WakeMethod } from '../ports/power-records.js'
import type { LifecycleLog, LifecycleStore, StoredWake } from './ports.js'
import { FAILED_PROBES_BEFORE_DOWN } from './probe-steps.js'
import { initialState, phases, type ServerState } from './states.js'

/** A resumed shutdown gets at least this long for the probes to see the host go quiet. */
export const RESTORED_SHUTDOWN_GRACE_MS = 10_000

export interface Restored {
  readonly state: ServerState
  readonly wakeId: number | null
  readonly shutdownId: number | null
  /** The restored wake was recorded but its packet never left: send it now. */
  readonly resend: boolean
}

/**
 * Where a supervisor starts after Hall restarts. A wake still within its timeout is resumed on its
 * own record, sent again only when mustResend says so; a shutdown whose command ran is waited on
 * as before; a server last seen serving is believed to still be serving until one probe says
 * otherwise, so live traffic is not sent to the waiting page meanwhile, and its idle countdown
 * goes on from where it was. Anything else starts UNKNOWN and the first probe decides.
 */
export function restoreState (server: ServerConfig, store: LifecycleStore, now: number, log: LifecycleLog): Restored {
  const persisted = store.serverStates.loadAll().get(server.name)
  const check = checker(server, log)
  // what no phase resets: a wake held for later, the pauses before the next wake, a shutdown that did not take
  const initial: ServerState = {
    ...initialState(now),
    lastActivityAt: persisted?.lastActivityAt ?? null,
    // a held wake this Hall cannot read is dropped: the next request asks again
    pendingWake: check(wakeTriggers, persisted?.pendingWake ?? null, 'server_state.pending_wake'),
    retryNotBefore: persisted?.retryNotBefore ?? null,
    autoWakeNotBefore: persisted?.autoWakeNotBefore ?? null,
    shutdownSuspended: persisted?.shutdownSuspended ?? false
  }
  const wake = resumeWake(server, store, initial, now, check, log)
  // both in flight cannot happen in one run of Hall; if the records say so, the wake wins
  const shutdown = resumeShutdown(server, store, initial, now, wake === null, check)
  if (wake !== null) return wake
  if (shutdown !== null) return shutdown

  const phase = check(phases, persisted?.phase ?? null, 'server_state.phase')
  if (persisted !== undefined && (phase === 'RUNNING' || phase === 'IDLE')) {
    // provisional: a single failed probe is enough to take it back
    const state: ServerState = { ...initial, phase, since: persisted.since, idleFrom: persisted.idleFrom, failedProbes: FAILED_PROBES_BEFORE_DOWN - 1 }
    return { wakeId: null, shutdownId: null, resend: false, state }
  }
  return { wakeId: null, shutdownId: null, resend: false, state: initial }
}

/** Returns a value read from SQLite when it is one of `known`, else null. */
type Check = <T extends string>(known: readonly T[], value: string | null, column: string) => T | null

/**
 * Values read back are checked, not trusted: migration 3 holds the columns to these lists, but a
 * database edited by hand may not. What this Hall cannot read is logged and left out, so the
 * server starts UNKNOWN and its first probe decides, rather than Hall refusing to start.
 */
function checker (server: ServerConfig, log: LifecycleLog): Check {
  return (known, value, column) => {
    const found = known.find(k => k === value) ?? null
    if (found === null && value !== null) log.warn({ server: server.name, column, value }, 'unknown value in the database, ignored')
    return found
  }
}

function resumeWake (server: ServerConfig, store: LifecycleStore, initial: ServerState, now: number, check: Check, log: LifecycleLog): Restored | null {
  let resumed: Restored | null = null
  // newest first: if several were left pending, the latest is the one a user is waiting on
  const pending = store.wakes.pending().filter(w => w.server === server.name).sort((a, b) => b.requestedAt - a.requestedAt)
  for (const wake of pending) {
    const deadline = wake.requestedAt + server.wakeTimeoutMs
    const trigger = check(wakeTriggers, wake.trigger, 'wakes.trigger')
    const method = check(wakeMethods, wake.method, 'wakes.method')
    if (deadline <= now) {
      store.wakes.finish(wake.id, { outcome: 'timeout', at: now, errorCode: 'HALL_ERR_WAKE_TIMEOUT', errorMessage: 'its deadline passed while Hall was not running' })
    } else if (trigger === null || method === null) {
      store.wakes.finish(wake.id, { outcome: 'cancelled', at: now, errorMessage: 'its record could not be read back after a restart' })
    } else if (resumed === null) {
      const resend = mustResend(method, wake)
      if (resend && wake.sendStartedAt !== null) log.info({ server: server.name, wakeId: wake.id }, 'wake cut short by a restart: its magic packets are sent again')
      resumed = {
        wakeId: wake.id,
        shutdownId: null,
        resend,
        state: {
          ...initial,
          phase: wake.aliveAt === null ? 'WAKING' : 'BOOTING',
          since: wake.aliveAt ?? wake.requestedAt,
          pendingWake: null,
          wake: { trigger, requestedAt: wake.requestedAt, deadline, sentAt: wake.sentAt, aliveAt: wake.aliveAt }
        }
      }
    } else {
      store.wakes.finish(wake.id, { outcome: 'cancelled', at: now, errorMessage: 'a newer wake was under way' })
    }
  }
  return resumed
}

/**
 * Whether a resumed wake is sent again. A burst of magic packets is harmless to repeat, so one
 * not recorded as sent (Hall died before, between or just after its packets) is sent again in
 * full. A relay command that had started counts as sent: it may not be idempotent, and its
 * deadline still bounds the wait.
 */
function mustResend (method: WakeMethod, wake: Pick<StoredWake, 'sendStartedAt' | 'sentAt'>): boolean {
  switch (method) {
    case 'udp': return wake.sentAt === null
    case 'ssh': return wake.sendStartedAt === null && wake.sentAt === null
    case 'none': return false // an external boot: nothing to send
    default: return assertNever(method)
  }
}

function resumeShutdown (server: ServerConfig, store: LifecycleStore, initial: ServerState, now: number, allowed: boolean, check: Check): Restored | null {
  let resumed: Restored | null = null
  const pending = store.shutdowns.pending().filter(s => s.server === server.name).sort((a, b) => b.requestedAt - a.requestedAt)
  for (const shutdown of pending) {
    const sentAt = shutdown.sentAt ?? shutdown.sendStartedAt
    const deadline = sentAt === null || server.shutdown === null ? null : sentAt + server.shutdown.offTimeoutMs
    const trigger = check(shutdownTriggers, shutdown.trigger, 'shutdowns.trigger')
    if (deadline !== null && deadline <= now) {
      // long over: whether it went off is for the first probe to say, not a reason to stop idle shutdowns
      store.shutdowns.finish(shutdown.id, { outcome: 'timeout', at: now, errorCode: 'HALL_ERR_SHUTDOWN_TIMEOUT', errorMessage: 'its deadline passed while Hall was not running' })
    } else if (allowed && resumed === null && sentAt !== null && deadline !== null && trigger !== null) {
      // the command ran (or started): wait for the host to go quiet, as before the restart
      resumed = {
        wakeId: null,
        shutdownId: shutdown.id,
        resend: false,
        state: {
          ...initial,
          phase: 'SHUTDOWN',
          since: sentAt,
          shutdown: { trigger, requestedAt: shutdown.requestedAt, stage: 'waiting', sentAt, deadline: Math.max(deadline, now + RESTORED_SHUTDOWN_GRACE_MS) }
        }
      }
    } else {
      // never started, superseded or unreadable: the idle countdown decides again once the server is seen
      store.shutdowns.finish(shutdown.id, { outcome: 'cancelled', at: now, errorMessage: 'not sent before Hall restarted or reloaded its config' })
    }
  }
  return resumed
}
