import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { cpuMicros } from './proc.js'
import { spawnPinned, watch } from './processes.js'

/**
 * The load generator: wrk (C, one thread, keep-alive connections), pinned to its own CPU.
 * One static request per run: a Lua `request()` function that varies the request makes wrk
 * itself the bottleneck (measured: ~85% of its core at ~50k req/s, against ~45% at 120k static).
 */

export interface WrkSpec {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly connections: number
  readonly durationSeconds: number
  readonly cpu: string | null
  /** Where the Lua script is written. */
  readonly scriptDir: string
}

export interface WrkResult {
  readonly requests: number
  readonly seconds: number
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Socket errors and timeouts, plus answers with a status of 400 or more (wrk's "status" errors). */
  readonly errors: { readonly connect: number, readonly read: number, readonly write: number, readonly timeout: number, readonly status: number }
  /** wrk's own CPU time over its wall time, as a share of one core: near 1, it set the pace. */
  readonly generatorCpu: number
}

const MARKER = 'HALL-BENCH '
const SAMPLE_EVERY_MS = 100
const SLACK_MS = 10_000

function luaString (value: string): string {
  // printable ASCII only: then a JSON string literal is also a valid Lua one
  if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`wrk header value is not printable ASCII: ${JSON.stringify(value)}`)
  return JSON.stringify(value)
}

function writeScript (spec: WrkSpec, name: string): string {
  const lines = Object.entries(spec.headers).map(([header, value]) => `wrk.headers[${luaString(header)}] = ${luaString(value)}`)
  lines.push(
    // latency in µs; one JSON line the driver finds by its marker
    'function done (summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format('${MARKER}{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,` +
      '"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}\\n\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),',
    '    e.connect, e.read, e.write, e.timeout, e.status))',
    'end'
  )
  const file = join(spec.scriptDir, `${name}.lua`)
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}

export async function runWrk (spec: WrkSpec, name: string): Promise<WrkResult> {
  const script = writeScript(spec, name)
  const args = ['-t1', `-c${spec.connections}`, `-d${spec.durationSeconds}s`, '--timeout', '2s', '-s', script, spec.url]
  const wrk = watch(spawnPinned(spec.cpu, 'wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] }))
  // CPU over wall between the first and last readings of /proc: the exit itself cannot be read
  let first: { at: number, cpu: number } | null = null
  let last: { at: number, cpu: number } | null = null
  const sample = (): void => {
    const cpu = cpuMicros(wrk.pid)
    if (cpu === null || wrk.exitStatus() !== null) return
    const reading = { at: performance.now(), cpu }
    first ??= reading
    last = reading
  }
  sample()
  const sampler = setInterval(sample, SAMPLE_EVERY_MS)
  const killer = setTimeout(() => { void wrk.stop(1000) }, spec.durationSeconds * 1000 + SLACK_MS)
  await new Promise<void>(resolve => wrk.child.once('exit', () => resolve()))
  clearInterval(sampler)
  clearTimeout(killer)

  const line = wrk.output().split('\n').find(l => l.startsWith(MARKER))
  if (line === undefined) throw new Error(`wrk against ${spec.url} gave no summary (${wrk.exitStatus()}):\n${wrk.output()}`)
  const raw = JSON.parse(line.slice(MARKER.length)) as Record<string, number>
  const value = (key: string): number => raw[key] ?? Number.NaN
  const seconds = value('duration_us') / 1e6
  const a = first as { at: number, cpu: number } | null
  const b = last as { at: number, cpu: number } | null
  return {
    requests: value('requests'),
    seconds,
    requestsPerSecond: value('requests') / seconds,
    p50Ms: value('p50_us') / 1000,
    p99Ms: value('p99_us') / 1000,
    errors: { connect: value('connect'), read: value('read'), write: value('write'), timeout: value('timeout'), status: value('status') },
    generatorCpu: a === null || b === null || b.at <= a.at ? Number.NaN : (b.cpu - a.cpu) / 1000 / (b.at - a.at)
  }
}
