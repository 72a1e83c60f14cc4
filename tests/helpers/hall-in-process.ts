import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import type { Logger } from 'pino'
import { readEnv } from '../../service/src/config/env.js'
import { startService, type Service } from '../../service/src/main.js'
import { freePort } from './free-port.js'
import { writeLoopbackConfig } from './hall-config.js'
import { listenForMagicPackets, type MagicPacketListener } from './udp-listener.js'

export const DOMAIN = 'app.hall.test'
export const PUBLIC_URL = 'https://hall.example.test'

/**
 * Hall in this process over a real SQLite file, fronting one loopback server that stays asleep
 * (its health port is closed) and whose magic packets a real UDP listener catches.
 */
export async function startAsleep (t: TestContext, env: Record<string, string> = {}, log?: Logger): Promise<{ hall: Service, packets: MagicPacketListener, configFile: string }> {
  const packets = await listenForMagicPackets()
  const config = writeLoopbackConfig({ udpPort: packets.port, httpPort: await freePort(), domain: DOMAIN })
  const dir = mkdtempSync(join(tmpdir(), 'hall-db-'))
  const hall = await startService(readEnv({ HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_PUBLIC_URL: PUBLIC_URL, HALL_LOG_LEVEL: 'silent', ...env }), { log })
  t.after(async () => {
    await hall.close()
    await packets.close()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  await until(() => hall.fleet.lookup(DOMAIN)?.phase === 'OFFLINE')
  return { hall, packets, configFile: config.file }
}

export async function until (condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
