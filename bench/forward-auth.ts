import { createServer } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Fastify from 'fastify'
import { readEnv } from '../service/src/config/env.js'
import { parseConfig } from '../service/src/config/load.js'
import { startService } from '../service/src/main.js'
import { generateFleet, listen, reserveClosedPort, startHealthServer, stubWaker, waitForPhases } from './fixture.js'
import { loadCpu, pinServer, runLoad, type LoadResult, type LoadSpec } from './load.js'

/**
 * `npm run bench`: Hall's forward-auth endpoint against an empty node:http server, same process,
 * same load generator (autocannon in a child process), same connections and durations.
 * Prints a report and exits 0 whatever the numbers; exits 1 only when a case answers wrongly.
 */

const DURATION_SECONDS = numberFromEnv('BENCH_DURATION_SECONDS', 3)
const WARMUP_SECONDS = numberFromEnv('BENCH_WARMUP_SECONDS', 1)
const CONNECTIONS = numberFromEnv('BENCH_CONNECTIONS', 50)
/** Rounds of all cases, interleaved so drift on a shared machine hits every case alike; the median is reported. */
const ROUNDS = numberFromEnv('BENCH_ROUNDS', 3)
const SERVERS = 100
const DOMAINS_PER_SERVER = 10
/** Domains each Hall case cycles through, one per server. */
const DOMAINS_PER_CASE = 10
const SETTLE_TIMEOUT_MS = 15_000
const PUBLIC_URL = 'https://hall.bench.test'

interface Case {
  readonly name: string
  readonly spec: LoadSpec
  readonly expectedStatus: number
  /** Ratio of req/s to the bare server's that passes; null for the baseline and references. */
  readonly target: number | null
  readonly role?: 'baseline' | 'reference'
  /** Extra check on a sampled response, beyond its status. */
  readonly check?: (response: Response) => string | null
}

interface Measured {
  readonly load: LoadResult
  /** CPU time of the server process over the measured window, as a share of one core. */
  readonly serverCpu: number
  /** The same CPU time per answered request: steadier than req/s when other work shares the machine. */
  readonly cpuUsPerRequest: number
  readonly serverElu: number
}

function numberFromEnv (name: string, fallback: number): number {
  const value = process.env[name]
  return value === undefined || value === '' ? fallback : Number(value)
}

/** What Traefik's forwardAuth sends for a browser's GET of https://<host>/. */
function forwardedHeaders (host: string): Record<string, string> {
  return {
    'x-forwarded-host': host,
    'x-forwarded-proto': 'https',
    'x-forwarded-uri': '/',
    'x-forwarded-method': 'GET',
    'x-forwarded-for': '192.0.2.10',
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
  }
}

async function verify (url: string, c: Case, when: string): Promise<void> {
  for (const request of c.spec.requests) {
    const response = await fetch(`${url}${request.path}`, { headers: request.headers, redirect: 'manual' })
    await response.arrayBuffer()
    const problem = response.status !== c.expectedStatus
      ? `status ${response.status}, expected ${c.expectedStatus}`
      : c.check?.(response) ?? null
    if (problem !== null) {
      throw new Error(`${c.name} ${when}: GET ${request.path} for ${request.headers['x-forwarded-host'] ?? '(no host)'} gave ${problem}`)
    }
  }
}

async function measure (c: Case): Promise<Measured> {
  let cpu = process.cpuUsage()
  let elu = performance.eventLoopUtilization()
  let started = performance.now()
  let serverCpu = 0
  let cpuUs = 0
  let serverElu = 0
  const load = await runLoad(c.spec, {
    onMeasureStart () {
      cpu = process.cpuUsage()
      elu = performance.eventLoopUtilization()
      started = performance.now()
    },
    onMeasureEnd () {
      const used = process.cpuUsage(cpu)
      cpuUs = used.user + used.system
      serverCpu = cpuUs / 1000 / (performance.now() - started)
      serverElu = performance.eventLoopUtilization(elu).utilization
    }
  })
  return { load, serverCpu, cpuUsPerRequest: cpuUs / Math.max(1, load.total), serverElu }
}

function unexpectedCount (c: Case, m: Measured): number {
  const expected = m.load.statuses[String(c.expectedStatus)] ?? 0
  return m.load.total - expected + m.load.errors + m.load.timeouts
}

function median (values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** One figure per case across rounds: the median of each number, the sum of the counts. */
function combine (rounds: readonly Measured[]): Measured {
  const loads = rounds.map(r => r.load)
  const statuses: Record<string, number> = {}
  for (const l of loads) for (const [code, n] of Object.entries(l.statuses)) statuses[code] = (statuses[code] ?? 0) + n
  return {
    load: {
      requestsPerSecond: median(loads.map(l => l.requestsPerSecond)),
      total: loads.reduce((n, l) => n + l.total, 0),
      durationSeconds: loads.reduce((n, l) => n + l.durationSeconds, 0),
      p50Ms: median(loads.map(l => l.p50Ms)),
      p99Ms: median(loads.map(l => l.p99Ms)),
      errors: loads.reduce((n, l) => n + l.errors, 0),
      timeouts: loads.reduce((n, l) => n + l.timeouts, 0),
      statuses,
      generatorElu: median(loads.map(l => l.generatorElu))
    },
    serverCpu: median(rounds.map(r => r.serverCpu)),
    cpuUsPerRequest: median(rounds.map(r => r.cpuUsPerRequest)),
    serverElu: median(rounds.map(r => r.serverElu))
  }
}

function printReport (cases: readonly Case[], results: ReadonlyMap<string, Measured>, rssBytes: number, heapBytes: number): void {
  const bare = results.get('bare')!.load.requestsPerSecond
  const rows = [['case', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'target', 'result', 'unexpected', 'CPU µs/req', 'server CPU', 'server ELU', 'loadgen ELU']]
  for (const c of cases) {
    const m = results.get(c.name)!
    const ratio = m.load.requestsPerSecond / bare
    const unexpected = unexpectedCount(c, m)
    const verdict = c.target === null ? '' : ratio >= c.target && unexpected === 0 ? 'PASS' : 'FAIL'
    rows.push([
      c.name,
      Math.round(m.load.requestsPerSecond).toLocaleString('en-US'),
      m.load.p50Ms.toFixed(2),
      m.load.p99Ms.toFixed(2),
      ratio.toFixed(3),
      c.target === null ? c.role ?? '' : `>= ${c.target.toFixed(2)}`,
      verdict,
      `${unexpected} of ${m.load.total}`,
      m.cpuUsPerRequest.toFixed(1),
      `${Math.round(m.serverCpu * 100)}%`,
      `${Math.round(m.serverElu * 100)}%`,
      `${Math.round(m.load.generatorElu * 100)}%`
    ])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map(r => r[i]!.length)))
  const line = (r: readonly string[]): string => r.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join(' | ')
  console.log()
  console.log(line(rows[0]!))
  console.log(widths.map(w => '-'.repeat(w)).join('-|-'))
  for (const r of rows.slice(1)) console.log(line(r))
  console.log()
  console.log(`Hall process after the run: RSS ${(rssBytes / 2 ** 20).toFixed(1)} MiB, heap used ${(heapBytes / 2 ** 20).toFixed(1)} MiB (the bare server shares this process)`)
  console.log('unexpected = responses with another status, plus socket errors and timeouts; CPU µs/req = server CPU time per response (steadier than req/s on a busy machine); server CPU = share of one core; ELU = event-loop utilisation; ' +
    'loadgen ELU near 100% means the load generator, not the server, set the pace')
  // a server below one full core was waiting for the CPU, not for work: other processes took it
  const starved = cases.filter(c => results.get(c.name)!.serverCpu < 0.9)
  if (starved.length > 0) {
    console.log(`WARNING: server CPU below 90% in ${starved.map(c => c.name).join(', ')}: other work shares this machine, ` +
      'so req/s ratios are unreliable; compare CPU µs/req, or rerun on an idle machine (BENCH_ROUNDS=3 helps)')
  }
  const failed = cases.filter(c => c.target !== null && (results.get(c.name)!.load.requestsPerSecond / bare < c.target || unexpectedCount(c, results.get(c.name)!) > 0))
  console.log(failed.length === 0 ? 'ALL TARGETS PASS' : `TARGETS FAILED: ${failed.map(c => c.name).join(', ')}`)
}

async function main (): Promise<void> {
  const cpuList = cpus()
  console.log(`machine: ${cpuList.length} cores (${cpuList[0]?.model.trim() ?? 'unknown'}), node ${process.version}, ${process.platform}/${process.arch}`)
  console.log(`load: autocannon in a child process, ${CONNECTIONS} keep-alive connections, ${WARMUP_SECONDS} s warm-up + ${DURATION_SECONDS} s measured per case, ${ROUNDS} round(s)`)
  const serverCpus = pinServer()
  console.log(serverCpus === null ? 'cpus: not pinned (needs Linux, taskset and 2 CPUs)' : `cpus: servers on ${serverCpus}, load generator on ${String(loadCpu())}`)

  const dir = mkdtempSync(join(tmpdir(), 'hall-bench-'))
  const health = await startHealthServer()
  const deadPort = await reserveClosedPort()
  const fleet = generateFleet({ servers: SERVERS, domainsPerServer: DOMAINS_PER_SERVER, healthyPort: health.port, deadPort })
  const configFile = join(dir, 'domains.json')
  writeFileSync(configFile, fleet.configText)
  const config = parseConfig(fleet.configText, configFile)

  const bare = await listen(createServer((_req, res) => {
    res.writeHead(200)
    res.end()
  }))
  bare.server.keepAliveTimeout = 95_000 // as Hall's, so neither side closes idle connections differently
  const fastify = Fastify({ keepAliveTimeout: 95_000 })
  fastify.get('/', async (_req, reply) => reply.code(200).send())
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const fastifyPort = (fastify.server.address() as AddressInfo).port

  const env = readEnv({
    HALL_CONFIG: configFile,
    HALL_DB: join(dir, 'hall.db'),
    HALL_HOST: '127.0.0.1',
    HALL_PORT: '0',
    HALL_PUBLIC_URL: PUBLIC_URL,
    HALL_LOG_LEVEL: 'warn'
  })
  const hall = await startService(env, { config, waker: stubWaker })
  try {
    console.log(`hall: ${config.domains.size} domains on ${config.servers.size} servers; waiting for ${fleet.awakeDomains.length} RUNNING and ${fleet.asleepDomains.length} OFFLINE servers`)
    await waitForPhases(hall.url, fleet.expectedPhases, SETTLE_TIMEOUT_MS)

    const spec = (url: string, path: string, hosts: readonly string[]): LoadSpec => ({
      url,
      requests: hosts.map(host => ({ path, headers: forwardedHeaders(host) })),
      connections: CONNECTIONS,
      warmupSeconds: WARMUP_SECONDS,
      durationSeconds: DURATION_SECONDS
    })
    const awake = fleet.awakeDomains.slice(0, DOMAINS_PER_CASE)
    const cases: Case[] = [
      // the same request bytes as the Hall cases, so only the answering code differs
      { name: 'bare', spec: spec(`http://127.0.0.1:${bare.port}`, '/', awake), expectedStatus: 200, target: null, role: 'baseline' },
      // not a target: what the framework alone costs, to tell Hall's own code from Fastify's
      { name: 'fastify-empty', spec: spec(`http://127.0.0.1:${fastifyPort}`, '/', awake), expectedStatus: 200, target: null, role: 'reference' },
      { name: 'hall-200', spec: spec(hall.url, '/forward-auth', awake), expectedStatus: 200, target: 0.95 },
      {
        name: 'hall-302',
        spec: spec(hall.url, '/forward-auth', fleet.asleepDomains.slice(0, DOMAINS_PER_CASE)),
        expectedStatus: 302,
        target: 0.90,
        check: r => r.headers.get('location')?.startsWith(`${PUBLIC_URL}/waiting/`) === true ? null : `Location ${r.headers.get('location')}, expected ${PUBLIC_URL}/waiting/...`
      }
    ]

    const rounds = new Map<string, Measured[]>(cases.map(c => [c.name, []]))
    for (let round = 1; round <= ROUNDS; round++) {
      for (const c of cases) {
        await verify(c.spec.url, c, 'before the run')
        const measured = await measure(c)
        await verify(c.spec.url, c, 'after the run')
        rounds.get(c.name)!.push(measured)
        console.log(`  round ${round}/${ROUNDS} ${c.name}: ${Math.round(measured.load.requestsPerSecond)} req/s, ` +
          `p99 ${measured.load.p99Ms.toFixed(2)} ms, ${measured.cpuUsPerRequest.toFixed(1)} CPU µs/req`)
      }
    }
    const results = new Map([...rounds].map(([name, measured]) => [name, combine(measured)]))
    const memory = process.memoryUsage()
    printReport(cases, results, memory.rss, memory.heapUsed)
  } finally {
    await hall.close()
    await bare.close()
    await fastify.close()
    await health.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(`bench aborted: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
