import type { RelayConfig, ServerConfig, ShutdownConfig } from '../config/types.js'
import { HallError, isHallError } from '../errors.js'
import { renderCommand } from './command-template.js'
import { buildMagicPacket } from './magic-packet.js'
import { runSshCommand, type SshCommandResult } from './ssh.js'
import { sendMagicPackets } from './udp.js'

export interface WakeReport {
  method: 'udp' | 'ssh'
  packetsSent: number
  exitCode: number | null
  stderr: string | null
  durationMs: number
}

export interface ShutdownReport {
  exitCode: number | null
  stderr: string | null
  durationMs: number
}

export interface PowerDeps {
  sendPackets?: typeof sendMagicPackets
  runSsh?: typeof runSshCommand
}

// 3 copies 100 ms apart: all leave within 200 ms, and one lost datagram does not lose the wake
const UDP_COPIES = 3
const UDP_SPACING_MS = 100

/** A relay command that ran but failed is an error for wake and shutdown: the machine was not reached. */
function requireSuccess (what: string, relay: RelayConfig, result: SshCommandResult): SshCommandResult {
  if (result.exitCode === 0) return result
  const firstLine = result.stderr.split('\n').find(l => l.trim() !== '')?.trim() ?? '(no stderr)'
  const status = result.exitCode !== null ? `exit code ${result.exitCode}` : `signal ${result.exitSignal ?? 'unknown'}`
  throw new HallError('HALL_ERR_SSH_EXIT_STATUS', `${what} command on relay "${relay.name}" failed with ${status}: ${firstLine}`,
    { exitCode: result.exitCode, exitSignal: result.exitSignal, stderr: result.stderr })
}

function renderWakeCommand (server: ServerConfig, template: string, broadcast: string): string {
  try {
    return renderCommand(template, { mac: server.mac, ip: server.ip, broadcast })
  } catch (err) {
    // config validation should have caught this; say which server so the fix is obvious
    throw new HallError('HALL_ERR_WAKE_SEND', `wake command of "${server.name}" not sent: ${(err as Error).message}`, { server: server.name }, err)
  }
}

export function createWaker (deps: PowerDeps = {}) {
  const sendPackets = deps.sendPackets ?? sendMagicPackets
  const runSsh = deps.runSsh ?? runSshCommand

  return {
    async wake (server: ServerConfig, signal: AbortSignal): Promise<WakeReport> {
      const started = performance.now()
      const wake = server.wake
      switch (wake.method) {
        case 'udp': {
          const packet = buildMagicPacket(server.mac, wake.secureOn)
          const { packetsSent } = await sendPackets({
            packet, address: wake.broadcast, port: wake.port, count: UDP_COPIES, spacingMs: UDP_SPACING_MS, signal
          })
          return { method: 'udp', packetsSent, exitCode: null, stderr: null, durationMs: Math.round(performance.now() - started) }
        }
        case 'ssh': {
          const command = renderWakeCommand(server, wake.command, wake.broadcast)
          // once: the relay's WoL tool sends its own packet(s), and a retry is the lifecycle's decision
          const result = requireSuccess(`wake of "${server.name}"`, wake.relay, await runSsh(wake.relay, command, signal))
          return { method: 'ssh', packetsSent: 0, exitCode: result.exitCode, stderr: result.stderr, durationMs: result.durationMs }
        }
        default: {
          const never: never = wake
          throw new Error(`unknown wake method ${JSON.stringify(never)}`)
        }
      }
    }
  }
}

export function createShutdowner (deps: Pick<PowerDeps, 'runSsh'> = {}) {
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

export type Waker = ReturnType<typeof createWaker>
