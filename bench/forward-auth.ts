import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { defineCases, verifyAnswer, type BenchCase } from './bench-cases.js'
import { formatRoundLine, GENERATOR_LIMIT, percent, renderTable, SERVER_BUSY, summarize, type RoundResult } from './bench-report.js'
import { generateFleet, PROJECT_SERVER, reserveClosedPort, startHealthServer, waitForPhases } from './fixture.js'
import { seedMembersProject } from './seed-projects.js'
import { builtServiceProblem, spawnBuiltHall, timeStartup } from './hall-process.js'
import { cpuMicros, hasProcfs, mib, rssBytes } from './proc.js'
import { commandExists, pinSelf, planCpus, spawnPinned, watch, type Watched } from './processes.js'
import { runWrk } from './wrk.js'
import { FLOOR_PACKAGES, measurePackageFloor } from './package-floor.js'

/**
 * `npm run bench`: the built Hall's /forward-auth against a bare node:http server doing the least
 * the same answers need, both driven by wrk on its own CPU, interleaved over several rounds.
 * Exits 1 when an answer is wrong, or when wrk rather than the server may have set the pace.
 */

function bounded (name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]
  const value = raw === undefined || raw === '' ? fallback : Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`)
  return value
}

const DURATION_SECONDS = bounded('BENCH_DURATION_SECONDS', 3, 1, 60)
const WARMUP_SECONDS = bounded('BENCH_WARMUP_SECONDS', 1, 0, 30)
const CONNECTIONS = bounded('BENCH_CONNECTIONS', 32, 1, 1024)
const ROUNDS = bounded('BENCH_ROUNDS', 4, 1, 20)
const SERVERS = 100
const DOMAINS_PER_SERVER = 10
const SETTLE_TIMEOUT_MS = 15_000
const PUBLIC_URL = 'https://hall.bench.test'
const BARE_SERVER = fileURLToPath(new URL('./bare-server.mjs', import.meta.url))

async function spawnBare (cpu: string | null): Promise<Watched & { url: string }> {
  const bare = watch(spawnPinned(cpu, process.execPath, [BARE_SERVER, PUBLIC_URL], { stdio: ['ignore', 'pipe', 'pipe'] }))
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const port = /listening (\d+)/.exec(bare.output())?.[1]
    if (port !== undefined) return Object.assign(bare, { url: `http://127.0.0.1:${port}` })
    if (bare.exitStatus() !== null) break
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  await bare.stop()
  throw new Error(`the bare server did not start:\n${bare.output()}`)
}

async function measureCase (c: BenchCase, round: number, url: string, pid: number, scriptDir: string, loadCpu: string | null): Promise<RoundResult> {
  const headers = c.headers(round)
  await verifyAnswer(url, c, headers, 'before its run')
  const spec = { url: `${url}/forward-auth`, headers, connections: CONNECTIONS, cpu: loadCpu, scriptDir }
  if (WARMUP_SECONDS > 0) await runWrk({ ...spec, durationSeconds: WARMUP_SECONDS }, `${c.name}-warmup`)
  const cpuBefore = cpuMicros(pid)
  const startedAt = performance.now()
  const load = await runWrk({ ...spec, durationSeconds: DURATION_SECONDS }, c.name)
  const wallUs = (performance.now() - startedAt) * 1000
  const cpuUs = (cpuMicros(pid) ?? Number.NaN) - (cpuBefore ?? Number.NaN)
  await verifyAnswer(url, c, headers, 'after its run')
  return { load, cpuUsPerRequest: cpuUs / Math.max(1, load.requests), serverCpu: cpuUs / wallUs }
}

const difference = (a: number | null, b: number | null): number | null => a === null || b === null ? null : a - b

async function main (): Promise<number> {
  if (!hasProcfs()) throw new Error('the benchmark reads CPU time and memory from /proc: it runs on Linux only')
  if (!commandExists('wrk')) throw new Error('wrk is not installed (Debian: apt-get install -y wrk)')
  const buildProblem = builtServiceProblem()
  if (buildProblem !== null) throw new Error(buildProblem)
  const plan = planCpus()
  pinSelf(plan)
  console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), node ${process.version}, ${process.platform}/${process.arch}`)
  console.log(plan.loadCpu === null
    ? 'cpus: NOT pinned (needs Linux, taskset and 2 CPUs): the servers and wrk share the CPUs, read the ratios with care'
    : `cpus: servers on ${plan.serverCpus}, wrk on ${plan.loadCpu}`)
  console.log(`load: wrk -t1 -c${CONNECTIONS}, ${WARMUP_SECONDS} s warm-up + ${DURATION_SECONDS} s measured per case, ${ROUNDS} interleaved rounds`)

  const dir = mkdtempSync(join(tmpdir(), 'hall-bench-'))
  const health = await startHealthServer()
  let hall: Awaited<ReturnType<typeof spawnBuiltHall>> | null = null
  let bare: Awaited<ReturnType<typeof spawnBare>> | null = null
  try {
    const fleet = generateFleet({ servers: SERVERS, domainsPerServer: DOMAINS_PER_SERVER, healthyPort: health.port, deadPort: await reserveClosedPort() })
    const configFile = join(dir, 'domains.json')
    writeFileSync(configFile, fleet.configText)
    const dbFile = join(dir, 'hall.db')
    const members = seedMembersProject(dbFile, { server: PROJECT_SERVER, host: `members.${PROJECT_SERVER}.bench.test`, cookieName: '__Secure-hall_portal', now: Date.now() })
    hall = await spawnBuiltHall({ configFile, dbFile, publicUrl: PUBLIC_URL, cwd: dir, cpus: plan.serverCpus, env: { HALL_COOKIE_DOMAIN: 'bench.test' } })
    const startup = await timeStartup(hall, fleet.awakeDomains[0]!)
    await waitForPhases(hall.url, new Map([...fleet.expectedPhases, [members.host, 'RUNNING']]), SETTLE_TIMEOUT_MS)
    const idleRss = rssBytes(hall.pid)
    bare = await spawnBare(plan.serverCpus)
    console.log(`hall (pid ${hall.pid}): ${fleet.expectedPhases.size} domains on ${SERVERS} servers; bare (pid ${bare.pid})`)

    const cases = defineCases(fleet.awakeDomains, fleet.asleepDomains, PUBLIC_URL, members)
    const rounds = new Map<string, RoundResult[]>(cases.map(c => [c.name, []]))
    for (let round = 1; round <= ROUNDS; round++) {
      // every other round runs backwards: no case always follows the same neighbour
      const order = round % 2 === 1 ? cases : [...cases].reverse()
      for (const c of order) {
        const target = c.target === 'hall' ? hall : bare
        const result = await measureCase(c, round, target.url, target.pid, dir, plan.loadCpu)
        rounds.get(c.name)!.push(result)
        console.log(formatRoundLine(c, round, ROUNDS, result))
      }
    }
    const rows = summarize(cases, rounds)
    console.log()
    console.log(renderTable(rows))
    console.log()
    console.log(`hall start-up at ${fleet.expectedPhases.size} domains: first forward-auth answer ${startup.firstAnswerMs.toFixed(0)} ms after spawn, ` +
      `first 200 (running server probed) ${startup.firstPassMs.toFixed(0)} ms`)
    const loadedRss = rssBytes(hall.pid)
    const floor = await measurePackageFloor({ publicUrl: PUBLIC_URL, headers: cases[0]!.headers(1), connections: CONNECTIONS, seconds: WARMUP_SECONDS + DURATION_SECONDS, serverCpus: plan.serverCpus, loadCpu: plan.loadCpu, scriptDir: dir })
    console.log(`hall RSS: ${mib(idleRss)} idle after start, ${mib(loadedRss)} after the load; bare server: ${mib(rssBytes(bare.pid))}`)
    console.log(`package floor (the bare server with ${FLOOR_PACKAGES.join(', ')} loaded, unused, Hall's node flags): ` +
      `${mib(floor.idle)} idle, ${mib(floor.loaded)} after the same load; Hall's own share: ${mib(difference(idleRss, floor.idle))} idle, ${mib(difference(loadedRss, floor.loaded))} after the load`)
    console.log('req/s, p50, p99, CPU: medians over the rounds; CPU µs/req = server CPU time (all threads, /proc) per answer; ' +
      'server CPU and wrk CPU = share of one core (wrk CPU: highest round); req/s ratio = median of same-round ratios over the rounds where ' +
      `both servers used >= ${percent(SERVER_BUSY)} of their core; CPU ratio = bare's CPU µs/req over the case's, same round (what the req/s ratio would be were both CPU-bound)`)
    let failed = false
    for (const r of rows) {
      if (r.noRatio !== null) console.log(`${r.name}: no req/s ratio: ${r.noRatio.reason}`)
      failed ||= r.noRatio?.fatal === true
      if (r.errors > 0) { console.log(`${r.name}: ${r.errors} socket errors, timeouts or answers >= 400`); failed = true }
    }
    const starved = rows.filter(r => r.serverCpu < SERVER_BUSY && r.generatorCpu <= GENERATOR_LIMIT)
    if (starved.length > 0) {
      console.log(`note: median server CPU below ${percent(SERVER_BUSY)} in ${starved.map(r => r.name).join(', ')} with wrk not saturated either: ` +
        'other work shares this machine; the CPU ratio is the steadier figure')
    }
    console.log(failed ? 'BENCH FAILED (see above)' : 'bench ok')
    return failed ? 1 : 0
  } finally {
    await hall?.stop()
    await bare?.stop()
    await health.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().then(code => { process.exitCode = code }, (err: unknown) => {
  console.error(`bench aborted: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
