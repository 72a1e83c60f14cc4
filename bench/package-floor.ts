import { fileURLToPath } from 'node:url'
import { hallNodeFlags } from './hall-process.js'
import { rssBytes } from './proc.js'
import { spawnPinned, watch } from './processes.js'
import { runWrk } from './wrk.js'

const FLOOR_SERVER = fileURLToPath(new URL('./package-floor.mjs', import.meta.url))
/** The packages package-floor.mjs loads: the service's required ones that `serve` always loads (undici and ssh2 load only when used). */
export const FLOOR_PACKAGES = ['fastify', '@fastify/cookie', 'zod', 'better-sqlite3', 'pino', 'dotenv']

export interface FloorRss { readonly idle: number | null, readonly loaded: number | null }

export interface FloorLoad {
  readonly publicUrl: string
  readonly headers: Record<string, string>
  readonly connections: number
  readonly seconds: number
  readonly serverCpus: string | null
  readonly loadCpu: string | null
  readonly scriptDir: string
}

/** Starts the package floor with Hall's node flags, reads its RSS, drives it like Hall, reads it again. */
export async function measurePackageFloor (load: FloorLoad): Promise<FloorRss> {
  const floor = watch(spawnPinned(load.serverCpus, process.execPath, [...hallNodeFlags(), FLOOR_SERVER, load.publicUrl], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FLOOR_PACKAGES: FLOOR_PACKAGES.join(',') }
  }))
  try {
    const port = await listeningPort(floor)
    // the same settling time Hall gets between its first answer and the idle reading
    await new Promise(resolve => setTimeout(resolve, 1000))
    const idle = rssBytes(floor.pid)
    await runWrk({ url: `http://127.0.0.1:${port}/forward-auth`, headers: load.headers, connections: load.connections, durationSeconds: load.seconds, cpu: load.loadCpu, scriptDir: load.scriptDir }, 'package-floor')
    return { idle, loaded: rssBytes(floor.pid) }
  } finally {
    await floor.stop()
  }
}

async function listeningPort (floor: ReturnType<typeof watch>): Promise<number> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const port = /listening (\d+)/.exec(floor.output())?.[1]
    if (port !== undefined) return Number(port)
    if (floor.exitStatus() !== null) break
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  throw new Error(`the package floor did not start:\n${floor.output()}`)
}
