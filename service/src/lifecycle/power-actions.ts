import type { Clock } from '../clock.js'
import type { ServerConfig } from '../config/types.js'
import { isHallError } from '../errors.js'
import type { Shutdowner, Waker } from '../ports/power.js'
import type { LifecycleLog, LifecycleStore } from './ports.js'
import type { ServerState } from './states.js'
import type { LifecycleEvent } from './transitions.js'

export interface PowerActionsDeps {
  readonly server: ServerConfig
  readonly clock: Clock
  readonly store: LifecycleStore
  readonly log: LifecycleLog
  readonly waker: Waker
  readonly shutdowner: Shutdowner
  /** The supervisor's state and record ids as they are now, read again after every await. */
  readonly current: () => { readonly state: ServerState, readonly wakeId: number | null, readonly shutdownId: number | null }
  readonly dispatch: (event: LifecycleEvent) => void
  /** A stopped or retired supervisor no longer takes results. */
  readonly isStopped: () => boolean
  readonly guarded: (work: () => void, what: string) => void
}

type Slot = 'wake' | 'shutdown'

/**
 * The slow side of a supervisor: the wake (packet or relay command), the busy check and the
 * shutdown command, each run beside the lifecycle and reporting back as an event that names its
 * action by `requestedAt`, so a late answer never touches a newer action.
 */
export function createPowerActions (deps: PowerActionsDeps) {
  const { server, clock, store, log } = deps
  const controllers: Record<Slot, AbortController | null> = { wake: null, shutdown: null }

  async function run (slot: Slot, work: (signal: AbortSignal) => Promise<void>, failed: (err: unknown) => void): Promise<void> {
    const controller = new AbortController()
    controllers[slot] = controller
    // on a later tick, whatever the action does: the caller has recorded it by then
    await Promise.resolve()
    try {
      await work(controller.signal)
    } catch (err) {
      if (deps.isStopped() || controller.signal.aborted) return
      failed(err)
    }
  }

  const gone = (signal: AbortSignal): boolean => deps.isStopped() || signal.aborted

  return {
    sendWake (requestedAt: number): Promise<void> {
      return run('wake', async (signal) => {
        const startedId = deps.current().wakeId
        // before the first packet: after a crash from here on, the wake counts as sent
        if (startedId !== null) deps.guarded(() => store.wakes.markSending(startedId, clock.now()), 'wake sending')
        const report = await deps.waker.wake(server, signal)
        if (gone(signal)) return
        const { state, wakeId } = deps.current()
        log.info({ server: server.name, wakeId, method: report.method, packets: report.packetsSent, ms: report.durationMs }, 'wake sent')
        if (wakeId !== null && state.wake?.requestedAt === requestedAt) {
          deps.guarded(() => store.wakes.markSent(wakeId, { at: clock.now(), packetsSent: report.packetsSent, exitCode: report.exitCode, stderr: report.stderr }), 'wake sent')
        }
        deps.dispatch({ kind: 'wake-sent', requestedAt })
      }, (err) => {
        const { code, message, exitCode, stderr } = failure(err, 'HALL_ERR_WAKE_SEND')
        const { state, wakeId } = deps.current()
        if (wakeId !== null && exitCode !== undefined && state.wake?.requestedAt === requestedAt) {
          deps.guarded(() => store.wakes.markSent(wakeId, { at: clock.now(), packetsSent: 0, exitCode, stderr: stderr ?? null }), 'relay result')
        }
        deps.dispatch({ kind: 'wake-failed', requestedAt, code, message })
      })
    },

    checkBusy (requestedAt: number): Promise<void> {
      return run('shutdown', async (signal) => {
        const busy = await deps.shutdowner.isBusy(server, signal)
        if (!gone(signal)) deps.dispatch({ kind: 'busy-checked', requestedAt, busy })
      }, (err) => deps.dispatch({ kind: 'shutdown-failed', requestedAt, ...failure(err, 'HALL_ERR_SHUTDOWN_SEND') }))
    },

    sendShutdown (requestedAt: number): Promise<void> {
      return run('shutdown', async (signal) => {
        const startedId = deps.current().shutdownId
        // after a crash from here on, the command counts as sent: a machine is not powered off twice
        if (startedId !== null) deps.guarded(() => store.shutdowns.markSending(startedId, clock.now()), 'shutdown sending')
        const report = await deps.shutdowner.shutdown(server, signal)
        if (gone(signal)) return
        const { shutdownId } = deps.current()
        log.info({ server: server.name, shutdownId, exitCode: report.exitCode, ms: report.durationMs }, 'shutdown command sent')
        if (shutdownId !== null) deps.guarded(() => store.shutdowns.markSent(shutdownId, { at: clock.now(), exitCode: report.exitCode, stderr: report.stderr }), 'shutdown sent')
        deps.dispatch({ kind: 'shutdown-sent', requestedAt })
      }, (err) => {
        const { code, message, exitCode, stderr } = failure(err, 'HALL_ERR_SHUTDOWN_SEND')
        const { shutdownId } = deps.current()
        if (shutdownId !== null && exitCode !== undefined) deps.guarded(() => store.shutdowns.markSent(shutdownId, { at: clock.now(), exitCode, stderr: stderr ?? null }), 'shutdown result')
        deps.dispatch({ kind: 'shutdown-failed', requestedAt, code, message })
      })
    },

    /** The action in that slot is no longer wanted (its wake finished, its shutdown was called off). */
    cancel (slot: Slot): void {
      controllers[slot]?.abort()
      controllers[slot] = null
    }
  }
}

/** An error as the lifecycle records it, with the relay's exit code and stderr when it ran. */
function failure (err: unknown, fallback: string): { code: string, message: string, exitCode?: number | null, stderr?: string } {
  const code = isHallError(err) ? err.code : fallback
  const message = err instanceof Error ? err.message : String(err)
  const details = isHallError(err) ? err.details as { exitCode?: number | null, stderr?: string } | undefined : undefined
  return { code, message, exitCode: details?.exitCode, stderr: details?.stderr }
}
