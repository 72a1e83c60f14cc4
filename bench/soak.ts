import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { builtServiceProblem, spawnBuiltHall, type HallProcess } from './hall-process.js'
import { cpuMicros, hasProcfs, openFds, rssBytes, statusBytes } from './proc.js'
import { printSoakReport, type Sample } from './soak-report.js'
import { startSoakFleet, type SoakFleet } from './soak-fleet.js'
import { sseLoop } from './soak-sse.js'
import { createTally, percentile } from './soak-tally.js'
import { forwardAuthLoop, REQUEST_TIMEOUT_MS, sleep, startPollers, type TrafficContext } from './soak-traffic.js'

/**
 * `npm run soak [-- --minutes N]`: the built Hall under mixed traffic for a bounded time, while its
 * servers flap and its config is rewritten every minute. Fails when memory, file descriptors or
 * forward-auth latency keep growing, when any answer is wrong, or when forward-auth's p99 passes 20 ms.
 */

const PUBLIC_URL = 'https://hall.soak.test'
const SERVERS = 8
const DOMAINS_PER_SERVER = 4
const FORWARD_AUTH_CLIENTS = 4
const FORWARD_AUTH_PAUSE_MS = 10
const SSE_CLIENTS = 12
const RELOAD_EVERY_MS = 60_000
const RELOAD_APPLY_TIMEOUT_MS = 15_000

function readMinutes (): number {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' } }, strict: true })
  const minutes = Number(values.minutes)
  if (!Number.isFinite(minutes) || minutes < 0.5 || minutes > 180) throw new Error('--minutes must be a number from 0.5 to 180')
  return minutes
}

async function waitUntilServing (hall: HallProcess): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (hall.exitStatus() !== null) throw new Error(`hall exited during start-up (${hall.exitStatus()}):\n${hall.output()}`)
    const ok = await fetch(`${hall.url}/healthz`).then(r => r.ok, () => false)
    if (ok) return
    await sleep(20)
  }
  throw new Error(`hall did not answer /healthz within 30 s:\n${hall.output()}`)
}

/** Lists the domains /api/status shows. */
async function listedDomains (hallUrl: string): Promise<Set<string>> {
  const response = await fetch(`${hallUrl}/api/status`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
  const body = await response.json() as { domains: Array<{ domain: string }> }
  return new Set(body.domains.map(d => d.domain))
}

/** Rewrites domains.json with the next generation domain; returns ms until Hall serves it, or throws. */
async function reloadOnce (ctx: TrafficContext, fleet: SoakFleet, configFile: string, generation: number): Promise<number> {
  const previous = fleet.generationDomain(generation - 1)
  const next = fleet.generationDomain(generation)
  ctx.confirmedGeneration = null // the old domain is about to go: no traffic may race its removal
  const written = Date.now()
  fleet.writeConfig(configFile, generation)
  while (Date.now() - written < RELOAD_APPLY_TIMEOUT_MS) {
    const listed = await listedDomains(ctx.hallUrl).catch(() => new Set<string>())
    if (listed.has(next) && !listed.has(previous)) {
      const gone = await fetch(`${ctx.hallUrl}/forward-auth`, { headers: { 'x-forwarded-host': previous, 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET' } })
      await gone.arrayBuffer()
      if (gone.status !== 404) throw new Error(`${previous} left the config but forward-auth answered ${gone.status}, not 404`)
      ctx.confirmedGeneration = next
      return Date.now() - written
    }
    await sleep(100)
  }
  throw new Error(`Hall did not apply the rewritten config (${next} in, ${previous} out) within ${RELOAD_APPLY_TIMEOUT_MS} ms`)
}

/** Counts Hall's log lines at error level and above (pino: 50 error, 60 fatal), keeping the first few. */
function watchHallErrors (hall: HallProcess): { count: number, first: string[] } {
  const seen = { count: 0, first: [] as string[] }
  let partial = ''
  hall.child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      if (!/"level":(5|6)\d/.test(line)) continue
      seen.count++
      if (seen.first.length < 5) seen.first.push(line.slice(0, 400))
    }
  })
  return seen
}

async function main (): Promise<number> {
  const minutes = readMinutes()
  if (!hasProcfs()) throw new Error('the soak reads memory and file descriptors from /proc: it runs on Linux only')
  const buildProblem = builtServiceProblem()
  if (buildProblem !== null) throw new Error(buildProblem)
  const durationMs = minutes * 60_000
  const sampleEveryMs = Math.min(5000, durationMs / 24)
  const dir = mkdtempSync(join(tmpdir(), 'hall-soak-'))
  // the config alone in its folder: Hall watches the folder, and SQLite's journal lives elsewhere
  mkdirSync(join(dir, 'config'))
  mkdirSync(join(dir, 'data'))
  const configFile = join(dir, 'config', 'domains.json')
  const fleet = await startSoakFleet(SERVERS, DOMAINS_PER_SERVER)
  let hall: HallProcess | null = null
  try {
    let generation = 1
    fleet.writeConfig(configFile, generation)
    hall = await spawnBuiltHall({ configFile, dbFile: join(dir, 'data', 'hall.db'), publicUrl: PUBLIC_URL, cwd: dir, cpus: null })
    const hallErrors = watchHallErrors(hall)
    await waitUntilServing(hall)
    const tally = createTally()
    const deadline = Date.now() + durationMs
    const ctx: TrafficContext = {
      hallUrl: hall.url,
      publicUrl: PUBLIC_URL,
      serverOf: fleet.serverOf,
      expectedDomainCount: fleet.serverOf.size + 1,
      tally,
      confirmedGeneration: fleet.generationDomain(generation),
      running: () => Date.now() < deadline && hall?.exitStatus() === null
    }
    console.log(`soak: ${minutes} min against the built Hall (pid ${hall.pid}, ${hall.url}); ${SERVERS} simulated servers on loopback, ` +
      `${DOMAINS_PER_SERVER} domains each, flapping every 2-6 s; domains.json rewritten every ${RELOAD_EVERY_MS / 1000} s`)
    fleet.startFlapping(2000, 6000)
    const pid = hall.pid
    const samples: Sample[] = []
    const driverDelay = monitorEventLoopDelay({ resolution: 10 })
    driverDelay.enable()
    const sample = (): void => {
      const window = tally.takeWindow()
      samples.push({
        atMs: Date.now(),
        rss: rssBytes(pid),
        anon: statusBytes(pid, 'RssAnon'),
        fds: openFds(pid),
        cpuUs: cpuMicros(pid),
        p50Ms: percentile(window, 50),
        p99Ms: percentile(window, 99),
        requests: window.length,
        driverDelayMs: driverDelay.percentile(99) / 1e6
      })
      driverDelay.reset()
    }
    sample()
    const loops = [
      ...Array.from({ length: FORWARD_AUTH_CLIENTS }, () => forwardAuthLoop(ctx, FORWARD_AUTH_PAUSE_MS)),
      ...startPollers(ctx),
      ...Array.from({ length: SSE_CLIENTS }, (_, i) => sseLoop(ctx, i, 5000, 20_000))
    ]
    const sampler = setInterval(sample, sampleEveryMs)
    const reloadTimes: number[] = []
    let nextReload = Date.now() + RELOAD_EVERY_MS
    while (ctx.running()) {
      await sleep(Math.max(10, Math.min(nextReload, deadline) - Date.now()))
      if (Date.now() >= nextReload && ctx.running()) {
        nextReload += RELOAD_EVERY_MS
        try {
          reloadTimes.push(await reloadOnce(ctx, fleet, configFile, ++generation))
          tally.count('reload')
        } catch (err) {
          tally.fail('reload', (err as Error).message)
        }
        process.stdout.write(`  ${new Date().toISOString()} reload ${generation - 1}: ${tally.failuresByKind.reload === 0 ? `applied in ${reloadTimes.at(-1)} ms` : 'FAILED'}; ${tally.failures()} wrong answers so far\n`)
      }
    }
    clearInterval(sampler)
    driverDelay.disable()
    // a last reading unless one was just taken: a sliver of a window would skew the CPU and latency figures
    if (Date.now() - samples.at(-1)!.atMs > sampleEveryMs / 2) sample()
    await Promise.all(loops)
    const exited = hall.exitStatus()
    if (exited !== null) tally.fail('forward-auth', `hall exited during the soak (${exited}):\n${hall.output()}`)
    const wakes = fleet.servers.reduce((n, s) => n + s.sim.wakeCount, 0)
    return printSoakReport({ minutes, samples, tally, reloadTimes, flips: fleet.flips(), wakePackets: wakes, hallErrors })
  } finally {
    await hall?.stop()
    await fleet.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then(code => { process.exitCode = code }, (err: unknown) => {
  console.error(`soak aborted: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
