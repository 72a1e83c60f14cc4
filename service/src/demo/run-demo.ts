import type { Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { readEnv } from '../config/env.js'
import { loadConfigFile } from '../config/load.js'
import { startService, type Service } from '../main.js'
import { startDemoProxy } from './demo-proxy.js'
import { startSimulatedServer } from './sim-server.js'

const DEMO_CONFIG = fileURLToPath(new URL('../../../deploy/demo/domains.json', import.meta.url))
const PROXY_PORT = 8081

/**
 * `hall demo`: Hall on its embedded defaults, a simulated server sleeping on loopback until its
 * magic packet arrives (answers TCP after 3 s, healthy after 8 s), and a proxy playing Traefik.
 */
export async function runDemo ({ hallPort }: { hallPort: number }): Promise<void> {
  const config = loadConfigFile(DEMO_CONFIG)
  const env = readEnv({
    HALL_CONFIG: DEMO_CONFIG,
    HALL_DB: process.env.HALL_DB ?? 'data/demo.db',
    HALL_HOST: '127.0.0.1',
    HALL_PORT: String(hallPort),
    HALL_PUBLIC_URL: `http://localhost:${hallPort}`,
    HALL_LOG_LEVEL: process.env.HALL_LOG_LEVEL ?? 'info'
  })
  const server = config.servers.get('demo')!
  const udpPort = server.wake.method === 'udp' ? server.wake.port : 40009
  const sim = await startSimulatedServer({
    name: 'demo',
    mac: server.mac,
    udpPort,
    httpPort: 8091,
    aliveAfterMs: 3000,
    readyAfterMs: 8000,
    log: msg => process.stdout.write(`[simulated server] ${msg}\n`)
  })
  let hall: Service | undefined
  let proxy: Server | undefined
  try {
    hall = await startService(env, { config })
    const upstreams = new Map([...config.domains.values()].map(d => [d.host, d.upstream]))
    proxy = await startDemoProxy({ port: PROXY_PORT, hallUrl: hall.url, upstreams })
  } catch (err) {
    // nothing may keep the process alive after a failed start
    await Promise.all([hall?.close(), sim.close()])
    throw err
  }
  process.stdout.write(`
Hall demo is running.
  Hall:                 ${env.publicUrl}/            (status: ${env.publicUrl}/api/status)
  Sleeping server:      http://127.0.0.1:${sim.httpPort} (closed until its magic packet arrives on udp/${sim.udpPort})
  Open in a browser:    http://app.localhost:${PROXY_PORT}/   (a proxy playing Traefik's part)
Press Ctrl+C to stop.
`)
  const stop = (): void => {
    proxy?.close()
    void Promise.all([hall?.close(), sim.close()]).then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
