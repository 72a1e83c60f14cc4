import type { Server } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import { readEnv } from '../config/env.js'
import { loadConfigFile } from '../config/load.js'
import type { HallConfig } from '../config/types.js'
import { startService, type Service } from '../main.js'
import { startDemoProxy } from './demo-proxy.js'
import { startSimulatedServer, type SimulatedServer } from './sim-server.js'

const DEMO_CONFIG = fileURLToPath(new URL('../../../deploy/demo/domains.json', import.meta.url))
const PROXY_PORT = 8081

export interface DemoOptions {
  readonly hallPort: number
  /** Where the proxy playing Traefik listens (default 8081). */
  readonly proxyPort?: number
  /** Default: deploy/demo/domains.json. Its server "demo" is simulated on the ports it names. */
  readonly configFile?: string
  /** Where HALL_DB and HALL_LOG_LEVEL come from (default: the environment, then .env). */
  readonly env?: NodeJS.ProcessEnv
  readonly log?: Logger
  readonly simLog?: (msg: string) => void
}

export interface Demo {
  readonly hall: Service
  readonly sim: SimulatedServer
  /** The address the browser opens, for each domain: the demo proxy. */
  readonly proxyUrl: string
  /** Absolute path of the SQLite file, as HALL_DB names it for every other command. */
  readonly dbFile: string
  close (): Promise<void>
}

/**
 * Hall on the demo config, a simulated server sleeping on loopback until its magic packet arrives
 * (answers TCP after 3 s, healthy after 8 s), and a proxy playing Traefik: everything `hall demo` runs.
 */
export async function startDemo (opts: DemoOptions): Promise<Demo> {
  const configFile = opts.configFile ?? DEMO_CONFIG
  const proxyPort = opts.proxyPort ?? PROXY_PORT
  // HALL_DB read as `hall apikey create` reads it (default data/hall.db): the key the CLI makes
  // is the key the demo accepts. A real Hall run from the same directory shares that file.
  const settings = readEnv(opts.env ?? process.env)
  const config = throughProxy(loadConfigFile(configFile), proxyPort)
  const demoEnv = readEnv({
    HALL_CONFIG: configFile,
    HALL_DB: settings.dbFile,
    HALL_HOST: '127.0.0.1',
    HALL_PORT: String(opts.hallPort),
    HALL_PUBLIC_URL: `http://localhost:${opts.hallPort}`,
    HALL_LOG_LEVEL: settings.logLevel
  })
  // the energy report's price and gateway come from the environment, as hall energy reads them
  const env = { ...demoEnv, energy: settings.energy }
  const server = config.servers.get('demo')!
  const domain = [...config.domains.values()].find(d => d.server === 'demo')!
  const sim = await startSimulatedServer({
    name: 'demo',
    mac: server.mac,
    udpPort: server.wake.method === 'udp' ? server.wake.port : 40009,
    httpPort: Number(new URL(domain.upstream).port),
    aliveAfterMs: 3000,
    readyAfterMs: 8000,
    log: opts.simLog ?? (msg => process.stdout.write(`[simulated server] ${msg}\n`))
  })
  let hall: Service | undefined
  let proxy: Server | undefined
  try {
    hall = await startService(env, { config, log: opts.log })
    const upstreams = new Map([...config.domains.values()].map(d => [d.host, d.upstream]))
    proxy = await startDemoProxy({ port: proxyPort, hallUrl: hall.url, upstreams })
  } catch (err) {
    // nothing may keep the process alive after a failed start
    await Promise.all([hall?.close(), sim.close()])
    throw err
  }
  const started = hall
  const listening = proxy
  return {
    hall: started,
    sim,
    proxyUrl: `http://${domain.host}:${proxyPort}/`,
    dbFile: path.resolve(env.dbFile),
    async close () {
      const proxyClosed = new Promise(resolve => listening.close(resolve))
      listening.closeAllConnections() // a browser's keep-alive socket would hold close() open
      await Promise.all([proxyClosed, started.close(), sim.close()])
    }
  }
}

/** `hall demo`: starts it all, says where to look, and stops on Ctrl+C. */
export async function runDemo ({ hallPort }: { hallPort: number }): Promise<void> {
  const demo = await startDemo({ hallPort })
  const hallUrl = `http://localhost:${hallPort}`
  process.stdout.write(`
Hall demo is running.
  Hall:                 ${hallUrl}/            (status: ${hallUrl}/api/status)
  Sleeping server:      http://127.0.0.1:${demo.sim.httpPort} (closed until its magic packet arrives on udp/${demo.sim.udpPort})
  Open in a browser:    ${demo.proxyUrl}   (a proxy playing Traefik's part)
  Database (HALL_DB):   ${demo.dbFile}
  An API key for it:    npm run -s hall -- apikey create --name demo   (same HALL_DB, same file)
                        then: curl -X POST -H "X-API-Key: $KEY" ${hallUrl}/api/wol/demo
Press Ctrl+C to stop.
`)
  const stop = (): void => {
    void demo.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

/**
 * The home page links each domain where the browser reaches it. Traefik serves https://{host}/;
 * here only the demo proxy serves the domains, on its own port.
 */
function throughProxy (config: HallConfig, proxyPort: number): HallConfig {
  const domains = new Map([...config.domains].map(([host, d]) => [host, Object.freeze({ ...d, publicUrl: `http://${host}:${proxyPort}/` })]))
  return Object.freeze({ ...config, domains })
}
