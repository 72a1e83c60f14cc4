import type { ServerConfig, ShutdownConfig } from '../config/types.js'
import { HallError, isHallError } from '../errors.js'
import type { ShutdownReport, Shutdowner } from '../ports/power.js'
import { requireSuccess } from './relay-result.js'
import { runSshCommand } from './ssh.js'
import type { PowerDeps } from './wake.js'

/** The server's busy check and shutdown command, both run on its shutdown relay. */
export function createShutdowner (deps: Pick<PowerDeps, 'runSsh'> = {}): Shutdowner {
  const runSsh = deps.runSsh ?? runSshCommand

  function configured (server: ServerConfig): ShutdownConfig {
    if (server.shutdown === null) throw new HallError('HALL_ERR_SHUTDOWN_SEND', `server "${server.name}" has no shutdown command configured`)
    return server.shutdown
  }

  return {
    async isBusy (server: ServerConfig, signal: AbortSignal): Promise<boolean> {
      const { relay, busyCheck } = configured(server)
      if (busyCheck === null) return false
      const result = await runSsh(relay, busyCheck, signal)
      // exit 0 = busy; any other exit = free; killed by a signal = the check itself is broken
      if (result.exitCode === null) requireSuccess(`busy check of "${server.name}"`, relay, result)
      return result.exitCode === 0
    },
    async shutdown (server: ServerConfig, signal: AbortSignal): Promise<ShutdownReport> {
      const { relay, command } = configured(server)
      try {
        const result = await runSsh(relay, command, signal)
        // no exit status at all: the machine went down under the command, which is the point
        if (result.exitCode !== null || result.exitSignal !== null) requireSuccess(`shutdown of "${server.name}"`, relay, result)
        return { exitCode: result.exitCode, stderr: result.stderr, durationMs: result.durationMs }
      } catch (err) {
        if (isHallError(err, 'HALL_ERR_SSH_CONNECT') && (err.details as { commandStarted?: boolean } | undefined)?.commandStarted === true) {
          return { exitCode: null, stderr: null, durationMs: 0 }
        }
        throw err
      }
    }
  }
}
