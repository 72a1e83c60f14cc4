import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { generateFleet, reserveClosedPort, startHealthServer } from './fixture.js'
import { BUILT_CLI, builtServiceProblem, timeStartup } from './hall-process.js'
import { cpuMicros, hasProcfs, statusBytes } from './proc.js'
import { commandExists, freePort, pinSelf, planCpus, spawnPinned, watch } from './processes.js'
import { runWrk, type WrkResult } from './wrk.js'

/**
 * What the built `hall serve` costs in memory on a small box: RSS at idle and after a load, start
 * to first answer, and which packages the process loaded, for each set of node flags given.
 *
 *   npm run build && npx tsx bench/footprint.ts [--runs 3] [--wrk-seconds 5] [--flags "--max-semi-space-size=1"]... [--skip-packages]
 *
 * Each run is a fresh process on 1000 domains / 100 servers (bench/fixture.ts), loopback only.
 * Without --flags: plain `node`, then `node --max-semi-space-size=1`.
 */

const SERVERS = 100
const DOMAINS_PER_SERVER = 10
const PUBLIC_URL = 'https://hall.bench.test'
/** The brief's protocol: RSS read this long after the first answer, and again after the load. */
const SETTLE_MS = 3_000
const WRK_CONNECTIONS = 8

interface RunResult {
  readonly firstAnswerMs: number
  readonly idleRss: number
  readonly loadedRss: number
  readonly peakRss: number
  readonly load: WrkResult
  /** Hall's CPU time per forward-auth answer under wrk: steadier than req/s on a shared machine. */
  readonly cpuUsPerRequest: number
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'wrk-seconds': { type: 'string', default: '5' },
    flags: { type: 'string', multiple: true },
    'skip-packages': { type: 'boolean', default: false }
  }
})
const runs = Math.min(10, Math.max(1, Number(values.runs)))
const wrkSeconds = Math.min(30, Math.max(1, Number(values['wrk-seconds'])))
const variants = (values.flags ?? ['', '--max-semi-space-size=1']).map(f => f.split(/\s+/).filter(Boolean))

const plan = planCpus()
const dir = mkdtempSync(join(tmpdir(), 'hall-footprint-'))
const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

function spawnHall (nodeFlags: readonly string[], port: number, configFile: string, extraEnv: NodeJS.ProcessEnv = {}): ReturnType<typeof watch> {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('HALL_') && key !== 'NODE_OPTIONS') env[key] = value
  rmSync(join(dir, 'hall.db'), { force: true })
  Object.assign(env, {
    HALL_CONFIG: configFile,
    HALL_DB: join(dir, 'hall.db'),
    HALL_HOST: '127.0.0.1',
    HALL_PORT: String(port),
    HALL_PUBLIC_URL: PUBLIC_URL,
    HALL_LOG_LEVEL: 'warn',
    ...extraEnv
  })
  return watch(spawnPinned(plan.serverCpus, process.execPath, [...nodeFlags, BUILT_CLI, 'serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] }))
}

async function measure (nodeFlags: readonly string[], configFile: string, host: string): Promise<RunResult> {
  const port = await freePort()
  const spawnedAt = performance.now()
  const hall = spawnHall(nodeFlags, port, configFile)
  try {
    const url = `http://127.0.0.1:${port}`
    const { firstAnswerMs } = await timeStartup(Object.assign(hall, { url, spawnedAt }), host)
    await sleep(Math.max(0, spawnedAt + firstAnswerMs + SETTLE_MS - performance.now()))
    const rss = (field: string): number => {
      const bytes = statusBytes(hall.pid, field)
      if (bytes === null || hall.exitStatus() !== null) throw new Error(`hall ${nodeFlags.join(' ')} exited (${hall.exitStatus()}):\n${hall.output()}`)
      return bytes
    }
    const idleRss = rss('VmRSS')
    const headers = { 'x-forwarded-host': host, 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', accept: '*/*' }
    const cpuBefore = cpuMicros(hall.pid) ?? Number.NaN
    const load = await runWrk({ url: `${url}/forward-auth`, headers, connections: WRK_CONNECTIONS, durationSeconds: wrkSeconds, cpu: plan.loadCpu, scriptDir: dir }, 'footprint')
    const cpuUsPerRequest = ((cpuMicros(hall.pid) ?? Number.NaN) - cpuBefore) / Math.max(1, load.requests)
    await sleep(SETTLE_MS)
    return { firstAnswerMs, idleRss, loadedRss: rss('VmRSS'), peakRss: rss('VmHWM'), load, cpuUsPerRequest }
  } finally {
    await hall.stop()
  }
}

/** Packages under node_modules that `serve` loaded by the time it answered, from Node's own module debug log. */
async function loadedPackages (configFile: string, host: string): Promise<string[]> {
  const port = await freePort()
  const spawnedAt = performance.now()
  const hall = spawnHall([], port, configFile, { NODE_DEBUG: 'module,esm' })
  const log: Buffer[] = []
  hall.child.stderr?.on('data', (chunk: Buffer) => log.push(chunk))
  try {
    await timeStartup(Object.assign(hall, { url: `http://127.0.0.1:${port}`, spawnedAt }), host)
    await sleep(SETTLE_MS) // the first probe round runs in this window too
  } finally {
    await hall.stop()
  }
  const seen = new Set<string>()
  // the last node_modules/<name> of a path is the package (nested copies included)
  for (const m of Buffer.concat(log).toString('utf8').matchAll(/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\/(?!node_modules\/)/g)) seen.add(m[1] ?? '')
  return [...seen].sort()
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1)

async function main (): Promise<void> {
  if (!hasProcfs()) throw new Error('this reads memory from /proc: Linux only')
  if (!commandExists('wrk')) throw new Error('wrk is not installed (Debian: apt-get install -y wrk)')
  const problem = builtServiceProblem()
  if (problem !== null) throw new Error(problem)
  pinSelf(plan)
  const health = await startHealthServer()
  try {
    const fleet = generateFleet({ servers: SERVERS, domainsPerServer: DOMAINS_PER_SERVER, healthyPort: health.port, deadPort: await reserveClosedPort() })
    const configFile = join(dir, 'domains.json')
    writeFileSync(configFile, fleet.configText)
    const host = fleet.awakeDomains[0] ?? ''
    console.log(`node ${process.version}; ${SERVERS * DOMAINS_PER_SERVER} domains on ${SERVERS} servers; ${runs} run(s) per variant, medians; RSS in MB (10^6 bytes)`)
    console.log('| node flags | first answer ms | RSS idle | RSS after load | peak RSS | forward-auth req/s | p99 ms | CPU µs/answer |')
    console.log('|---|---|---|---|---|---|---|---|')
    // interleaved, variant after variant in each round: a neighbour's load on a shared machine
    // then weighs on every variant alike
    const results = variants.map((): RunResult[] => [])
    for (let i = 0; i < runs; i++) {
      for (const [v, flags] of variants.entries()) results[v]?.push(await measure(flags, configFile, host))
    }
    for (const [v, flags] of variants.entries()) {
      const m = (f: (r: RunResult) => number): number => median((results[v] ?? []).map(f))
      console.log(`| ${flags.join(' ') || '(none)'} | ${m(r => r.firstAnswerMs).toFixed(0)} | ${mb(m(r => r.idleRss))} | ${mb(m(r => r.loadedRss))} | ${mb(m(r => r.peakRss))} | ${m(r => r.load.requestsPerSecond).toFixed(0)} | ${m(r => r.load.p99Ms).toFixed(2)} | ${m(r => r.cpuUsPerRequest).toFixed(1)} |`)
    }
    if (values['skip-packages'] !== true) console.log(`packages loaded by serve: ${(await loadedPackages(configFile, host)).join(', ')}`)
  } finally {
    await health.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
