import type { ServerConfig } from '../config/types.js'
import { HallError } from '../errors.js'
import type { WakeReport, Waker } from '../ports/power.js'
import { renderCommand } from './command-template.js'
import { buildMagicPacket } from './magic-packet.js'
import { requireSuccess } from './relay-result.js'
import { runSshCommand } from './ssh.js'
import { sendMagicPackets } from './udp.js'

export interface PowerDeps {
  sendPackets?: typeof sendMagicPackets
  runSsh?: typeof runSshCommand
}

// 3 copies 100 ms apart: all leave within 200 ms, and one lost datagram does not lose the wake
const UDP_COPIES = 3
const UDP_SPACING_MS = 100

function renderWakeCommand (server: ServerConfig, template: string, broadcast: string): string {
  try {
    return renderCommand(template, { mac: server.mac, ip: server.ip, broadcast })
  } catch (err) {
    // config validation should have caught this; say which server so the fix is obvious
    throw new HallError('HALL_ERR_WAKE_SEND', `wake command of "${server.name}" not sent: ${(err as Error).message}`, { server: server.name }, err)
  }
}

export function createWaker (deps: PowerDeps = {}): Waker {
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
