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
 * Wake records whose packet or command is on its way, per power layer (the waker a fleet's
 * supervisors share; each graph builds its own). A hot reload restores a wake from its record
 * while the retired supervisor is still sending it, and that send reports to the new one: sending
 * it again then would be a second burst or a second relay command. A restarted Hall starts empty.
 */
const sendsUnderWay = new WeakMap<Waker, Set<number>>()

/**
 * The slow side of a supervisor: the wake (packet or relay command), the busy check and the
 * shutdown command, each run beside the lifecycle and reporting back as an event that names its
 * action by `requestedAt`, so a late answer never touches a newer action.
 */
export function createPowerActions (deps: PowerActionsDeps) {
  const { server, clock, store, log } = deps
  const controllers: Record<Slot, AbortController | null> = { wake: null, shutdown: null }
  const underWay = sendsUnderWay.get(deps.waker) ?? new Set<number>()
  sendsUnderWay.set(deps.waker, underWay)
  /** What this supervisor's own sends hold in `underWay`: a hard stop hands none of them on. */
  const mine = new Set<number>()

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

  async function sendAndRecord (wakeId: number | null, requestedAt: number, signal: AbortSignal): Promise<void> {
    // before the first packet: from here on, a crash leaves a relay command counted as started
    // (never run twice) and a burst not recorded as sent (sent again in full: restore.ts)
    if (wakeId !== null) deps.guarded(() => store.wakes.markSending(wakeId, clock.now()), 'wake sending')
    const report = await deps.waker.wake(server, signal)
    if (deps.isStopped()) return
    // written even when the wake ended meanwhile (a burst is let finish, see cancel): the row says what left
    log.info({ server: server.name, wakeId, method: report.method, packets: report.packetsSent, ms: report.durationMs }, 'wake sent')
    if (wakeId !== null) {
      deps.guarded(() => store.wakes.markSent(wakeId, { at: clock.now(), packetsSent: report.packetsSent, exitCode: report.exitCode, stderr: report.stderr }), 'wake sent')
    }
    if (!signal.aborted) deps.dispatch({ kind: 'wake-sent', requestedAt })
  }

  return {
    sendWake (requestedAt: number): Promise<void> {
      return run('wake', async (signal) => {
        // this wake's row, written before this tick (or restored): a newer wake never gets its stamps
        const wakeId = deps.current().wakeId
        if (wakeId !== null && underWay.has(wakeId)) return // still going out from before a hot reload
        if (wakeId !== null) { underWay.add(wakeId); mine.add(wakeId) }
        try {
          await sendAndRecord(wakeId, requestedAt, signal)
        } finally {
          if (wakeId !== null && mine.delete(wakeId)) underWay.delete(wakeId)
        }
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
      // a magic-packet burst is over within 200 ms and harmless: cut short, its row would stay
      // unsent and the server might miss its last copies. Only a stopping Hall cuts it.
      if (slot === 'wake' && server.wake.method === 'udp' && !deps.isStopped()) return
      controllers[slot]?.abort()
      controllers[slot] = null
      // stopped, not retired: what it was sending reports to no one, so whoever restores it sends it again
      if (slot === 'wake' && deps.isStopped()) {
        for (const id of mine) underWay.delete(id)
        mine.clear()
      }
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
