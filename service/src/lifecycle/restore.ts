import type { ServerConfig } from '../config/types.js'
import type { LifecycleStore } from './ports.js'
import { FAILED_PROBES_BEFORE_DOWN } from './transitions.js'
import { initialState, type ServerState, type WakeTrigger } from './states.js'

export interface Restored {
  readonly state: ServerState
  readonly wakeId: number | null
  /** The restored wake was recorded but its packet never left: send it now. */
  readonly resend: boolean
}

/**
 * Where a supervisor starts after Hall restarts. A wake still within its timeout is resumed as it
 * was, so no second packet is sent; a server last seen serving is believed to still be serving
 * until one probe says otherwise, so live traffic is not sent to the waiting page meanwhile.
 * Anything else starts UNKNOWN and the first probe decides.
 */
export function restoreState (server: ServerConfig, store: LifecycleStore, now: number): Restored {
  let resumed: Restored | null = null
  // newest first: if several were left pending, the latest is the one a user is waiting on
  const pending = store.wakes.pending().filter(w => w.server === server.name).sort((a, b) => b.requestedAt - a.requestedAt)
  for (const wake of pending) {
    const deadline = wake.requestedAt + server.wakeTimeoutMs
    if (resumed === null && deadline > now) {
      resumed = {
        wakeId: wake.id,
        resend: wake.sentAt === null && wake.method !== 'none',
        state: {
          ...initialState(now),
          phase: wake.aliveAt === null ? 'WAKING' : 'BOOTING',
          since: wake.aliveAt ?? wake.requestedAt,
          wake: { trigger: wake.trigger as WakeTrigger, requestedAt: wake.requestedAt, deadline, sentAt: wake.sentAt, aliveAt: wake.aliveAt }
        }
      }
    } else {
      store.wakes.finish(wake.id, { outcome: 'cancelled', at: now, errorMessage: 'Hall was not running when this wake timed out' })
    }
  }
  if (resumed !== null) return resumed

  const persisted = store.serverStates.loadAll().get(server.name)
  const initial = { ...initialState(now), lastActivityAt: persisted?.lastActivityAt ?? null }
  if (persisted?.phase === 'RUNNING' || persisted?.phase === 'IDLE') {
    // provisional: a single failed probe is enough to take it back
    return { wakeId: null, resend: false, state: { ...initial, phase: persisted.phase, since: persisted.since, failedProbes: FAILED_PROBES_BEFORE_DOWN - 1 } }
  }
  return { wakeId: null, resend: false, state: initial }
}
