import type { ServerConfig } from '../config/types.js'
import type { ShutdownTrigger, WakeTrigger } from '../ports/power-records.js'
import { BOOT_HISTORY, DEFAULT_BOOT_MS, medianBootMs } from './policy.js'
import type { LifecycleLog, LifecycleStore } from './ports.js'
import type { Phase, ServerState } from './states.js'
import type { Effect } from './steps.js'

export interface ServerRecordsDeps {
  readonly server: ServerConfig
  readonly store: LifecycleStore
  readonly log: LifecycleLog
  /** The records of the wake and shutdown in flight, as restore.ts found them. */
  readonly wakeId: number | null
  readonly shutdownId: number | null
}

export interface ServerRecords {
  /** The record of the wake in flight; null only if the store refused to begin one. */
  wakeId (): number | null
  /** The record of the shutdown in flight; null only if the store refused to begin one. */
  shutdownId (): number | null
  /** `send` false: a boot Hall did not cause, recorded as an external one. */
  beginWake (trigger: WakeTrigger, send: boolean, now: number): void
  wakeAlive (now: number): void
  finishWake (effect: Extract<Effect, { kind: 'wake-finished' }>, now: number): void
  beginShutdown (trigger: ShutdownTrigger, now: number): void
  finishShutdown (effect: Extract<Effect, { kind: 'shutdown-finished' }>, now: number): void
  transition (from: Phase, to: Phase, now: number, reason: string): void
  /** What a restart or a reload starts from. */
  saveState (state: ServerState, now: number): void
  /** Median of recent boots, for the schedule to wake the server ahead of its window. */
  expectedBootMs (): number
}

/**
 * What a supervisor writes down: one server's wakes, shutdowns, transitions, events and saved
 * state. None of it waits: the store hands out a new wake's or shutdown's id at once and queues
 * its writes while another process holds the database. A method that throws all the same is
 * caught by the supervisor per effect.
 */
export function createServerRecords (deps: ServerRecordsDeps): ServerRecords {
  const { server, store, log } = deps
  let wakeId = deps.wakeId
  let shutdownId = deps.shutdownId
  let expectedBootMs = readExpectedBoot()

  function readExpectedBoot (): number {
    try {
      return medianBootMs(store.wakes.bootDurationsMs(server.name, BOOT_HISTORY)) ?? DEFAULT_BOOT_MS
    } catch (err) {
      log.error({ server: server.name, err }, 'could not read boot history')
      return DEFAULT_BOOT_MS
    }
  }

  return {
    wakeId: () => wakeId,
    shutdownId: () => shutdownId,
    beginWake (trigger, send, now) {
      wakeId = null // should begin() throw: never the previous wake's
      wakeId = store.wakes.begin({ server: server.name, trigger, method: send ? server.wake.method : 'none', requestedAt: now })
      if (!send) store.events.record({ at: now, level: 'info', server: server.name, kind: 'external-boot', message: 'server came up without a wake from Hall' })
    },
    wakeAlive (now) {
      if (wakeId !== null) store.wakes.markAlive(wakeId, now)
    },
    finishWake (effect, now) {
      const id = wakeId
      wakeId = null
      if (effect.outcome !== 'running') log.warn({ server: server.name, wakeId: id, outcome: effect.outcome, error: effect.error?.message }, 'wake failed')
      if (id === null) return // its record could not be written: nothing to finish
      if (effect.outcome === 'running') store.wakes.markRunning(id, now)
      store.wakes.finish(id, { outcome: effect.outcome, at: now, errorCode: effect.error?.code, errorMessage: effect.error?.message })
      if (effect.outcome === 'running') expectedBootMs = readExpectedBoot()
      else if (effect.outcome !== 'cancelled') {
        store.events.record({ at: now, level: 'error', server: server.name, kind: 'wake-failed', message: effect.error?.message ?? effect.outcome, details: { wakeId: id, ...effect.error } })
      }
    },
    beginShutdown (trigger, now) {
      shutdownId = null
      shutdownId = store.shutdowns.begin({ server: server.name, trigger, requestedAt: now })
    },
    finishShutdown (effect, now) {
      const id = shutdownId
      shutdownId = null
      const failed = effect.outcome === 'failed' || effect.outcome === 'timeout'
      log[failed ? 'warn' : 'info']({ server: server.name, shutdownId: id, outcome: effect.outcome, error: effect.error?.message }, 'shutdown finished')
      if (id === null) return
      store.shutdowns.finish(id, { outcome: effect.outcome, at: now, errorCode: effect.error?.code, errorMessage: effect.error?.message })
      if (failed || effect.outcome === 'vetoed') {
        store.events.record({
          at: now,
          level: failed ? 'error' : 'info',
          server: server.name,
          kind: failed ? 'shutdown-failed' : 'shutdown-vetoed',
          message: effect.error?.message ?? 'busy check says the server is busy',
          details: { shutdownId: id, ...effect.error }
        })
      }
    },
    transition (from, to, now, reason) {
      store.transitions.record({ server: server.name, from, to, at: now, reason })
    },
    saveState (state, now) {
      store.serverStates.save({
        server: server.name,
        phase: state.phase,
        since: state.since,
        wakeId,
        lastActivityAt: state.lastActivityAt,
        idleFrom: state.idleFrom,
        shutdownId,
        pendingWake: state.pendingWake,
        retryNotBefore: state.retryNotBefore,
        autoWakeNotBefore: state.autoWakeNotBefore,
        shutdownSuspended: state.shutdownSuspended,
        updatedAt: now
      })
    },
    expectedBootMs: () => expectedBootMs
  }
}
