import type { Clock } from '../clock.js'
import { HallError } from '../errors.js'
import type { Fleet } from '../lifecycle/fleet.js'
import { isServing, type ServerState } from '../lifecycle/states.js'

/** Room beyond the server's wake timeout for the last probe to report. */
const MARGIN_MS = 5_000

const up = (s: ServerState): boolean => isServing(s.phase) && s.shutdown === null

/**
 * Resolves once the server serves, waking it first when it does not (one wake, however many
 * operations wait: the fleet's wakes are single-flight). Returns the id of the wake it started
 * or joined, null when the server was up. Rejects when the wake is refused, fails or times out.
 */
export async function whenAwake (fleet: Fleet, server: string, clock: Clock, onWake: (wakeId: number) => void): Promise<number | null> {
  const supervisor = fleet.supervisor(server)
  if (supervisor === undefined) throw new HallError('HALL_ERR_SERVER_UNKNOWN', `Hall has no server named "${server}"`)
  if (up(supervisor.state())) return null
  const ticket = fleet.wakeNow(server, 'api')
  if (ticket.outcome === 'refused') throw new HallError('HALL_ERR_WAKE_REFUSED', `server ${server} could not be woken: ${ticket.reason ?? ticket.phase}`)
  if (ticket.wakeId !== null && ticket.outcome === 'started') onWake(ticket.wakeId)
  if (ticket.outcome === 'already-up' && up(supervisor.state())) return null

  return await new Promise<number | null>((resolve, reject) => {
    let sawWake = supervisor.state().wake !== null
    const finish = (err: Error | null): void => {
      unsubscribe()
      clock.clearTimeout(timer)
      if (err === null) resolve(ticket.wakeId)
      else reject(err)
    }
    const unsubscribe = fleet.subscribe((name, state) => {
      if (name !== server) return
      if (state.wake !== null) sawWake = true
      if (up(state)) finish(null)
      // the wake ended without the server up: failed, timed out or cancelled
      else if (sawWake && state.wake === null && state.phase === 'OFFLINE') finish(new HallError('HALL_ERR_WAKE_REFUSED', `server ${server} did not wake up`))
    })
    const timer = clock.setTimeout(() => {
      finish(new HallError('HALL_ERR_WAKE_REFUSED', `server ${server} was not up within ${Math.round((supervisor.server.wakeTimeoutMs + MARGIN_MS) / 1000)} s`))
    }, supervisor.server.wakeTimeoutMs + MARGIN_MS)
  })
}
