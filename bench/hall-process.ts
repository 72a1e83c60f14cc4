import { existsSync, readdirSync, statSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { freePort, spawnPinned, watch, type Watched } from './processes.js'

/** Hall runs as deployed: the V8 flags of deploy/hall.service's ExecStart and the image's ENTRYPOINT. */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=1', '--no-maglev', '--heap-growing-percent=30']

/** The built service, run as it is deployed: `node service/dist/cli.js serve`, settings in the environment. */

const repo = fileURLToPath(new URL('..', import.meta.url))
export const BUILT_CLI = join(repo, 'service', 'dist', 'cli.js')
const SOURCES = join(repo, 'service', 'src')

/** Null when the build is there and newer than every source file; otherwise what is wrong. */
export function builtServiceProblem (): string | null {
  if (!existsSync(BUILT_CLI)) return `${BUILT_CLI} is missing: run \`npm run build\` first`
  const built = statSync(BUILT_CLI).mtimeMs
  const newer = (readdirSync(SOURCES, { recursive: true }) as string[])
    .filter(file => file.endsWith('.ts') && statSync(join(SOURCES, file)).mtimeMs > built)
  return newer.length === 0 ? null : `service/dist is older than ${newer.slice(0, 3).join(', ')}${newer.length > 3 ? '...' : ''}: run \`npm run build\` first`
}

export interface HallSettings {
  readonly configFile: string
  readonly dbFile: string
  readonly publicUrl: string
  /** Runs here, so no .env of the developer's checkout fills a setting behind the benchmark's back. */
  readonly cwd: string
  readonly cpus: string | null
  readonly logLevel?: string
  /** More HALL_* settings (HALL_COOKIE_DOMAIN for the members case). */
  readonly env?: Readonly<Record<string, string>>
}

export interface HallProcess extends Watched {
  readonly url: string
  /** performance.now() just before the spawn: start-up times count from here. */
  readonly spawnedAt: number
}

export async function spawnBuiltHall (settings: HallSettings): Promise<HallProcess> {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {}
  // nothing of the caller's Hall settings or node flags leaks in: the process runs as deployed
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('HALL_') && key !== 'NODE_OPTIONS') env[key] = value
  Object.assign(env, {
    HALL_CONFIG: settings.configFile,
    HALL_DB: settings.dbFile,
    HALL_HOST: '127.0.0.1',
    HALL_PORT: String(port),
    HALL_PUBLIC_URL: settings.publicUrl,
    HALL_LOG_LEVEL: settings.logLevel ?? 'warn',
    ...settings.env
  })
  const spawnedAt = performance.now()
  const child = spawnPinned(settings.cpus, process.execPath, [...hallNodeFlags(), BUILT_CLI, 'serve'], { cwd: settings.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  return Object.assign(watch(child), { url: `http://127.0.0.1:${port}`, spawnedAt })
}

/** BENCH_NODE_FLAGS (space-separated, empty for none) tries other V8 settings; unset, the service's own. */
export function hallNodeFlags (): string[] {
  const raw = process.env.BENCH_NODE_FLAGS
  return raw === undefined ? SERVICE_NODE_FLAGS : raw.split(' ').filter(f => f !== '')
}

export interface StartupTimes {
  /** Spawn to the first answer of any kind from /forward-auth: Hall is listening and deciding. */
  readonly firstAnswerMs: number
  /** Spawn to the first 200 for a running server's domain: its first probe is in, traffic flows. */
  readonly firstPassMs: number
}

const POLL_EVERY_MS = 2
const POLL_TIMEOUT_MS = 30_000

/**
 * Asks /forward-auth for `host` in a tight loop from the spawn on. The request is not a browser
 * navigation (Accept: *\/*), so the polling itself never wakes anything.
 */
export async function timeStartup (hall: HallProcess, host: string): Promise<StartupTimes> {
  const deadline = hall.spawnedAt + POLL_TIMEOUT_MS
  let firstAnswerMs: number | null = null
  while (performance.now() < deadline) {
    if (hall.exitStatus() !== null) throw new Error(`hall exited during start-up (${hall.exitStatus()}):\n${hall.output()}`)
    const status = await forwardAuthStatus(hall.url, host)
    const elapsed = performance.now() - hall.spawnedAt
    if (status !== null) firstAnswerMs ??= elapsed
    if (status === 200) return { firstAnswerMs: firstAnswerMs ?? elapsed, firstPassMs: elapsed }
    await new Promise(resolve => setTimeout(resolve, POLL_EVERY_MS))
  }
  throw new Error(`hall gave no 200 for ${host} within ${POLL_TIMEOUT_MS} ms (first answer: ${firstAnswerMs ?? 'none'}):\n${hall.output()}`)
}

/** The status of one forward-auth call, or null when nothing listens yet. */
function forwardAuthStatus (url: string, host: string): Promise<number | null> {
  return new Promise(resolve => {
    const req = request(`${url}/forward-auth`, {
      agent: false,
      timeout: 1000,
      headers: { 'x-forwarded-host': host, 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', accept: '*/*' }
    }, res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? null))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(null))
    req.end()
  })
}
