import { performance } from 'node:perf_hooks'
import autocannon, { type Options, type Result } from 'autocannon'
import type { LoadSpec, RunnerMessage } from './load.js'

/**
 * The load generator, in its own process so it never shares an event loop with the server under
 * test. Spawned by load.ts with an IPC channel: warms up, says "measuring", measures, reports.
 */

function fire (options: Options, onResponse?: (ms: number) => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (err, result) => err === null ? resolve(result) : reject(err))
    if (onResponse !== undefined) instance.on('response', (_client, _status, _bytes, ms) => onResponse(ms))
  })
}

/** Every response time at full precision: autocannon's own histogram rounds to whole milliseconds. */
function createLatencyLog (): { add (ms: number): void, percentile (p: number): number } {
  let values = new Float64Array(1 << 20)
  let count = 0
  let sorted: Float64Array | null = null
  return {
    add (ms) {
      if (count === values.length) {
        const grown = new Float64Array(values.length * 2)
        grown.set(values)
        values = grown
      }
      values[count++] = ms
    },
    percentile (p) {
      if (count === 0) return Number.NaN
      sorted ??= values.slice(0, count).sort()
      return sorted[Math.min(count - 1, Math.ceil((p / 100) * count) - 1)]!
    }
  }
}

function send (message: RunnerMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(message, (err: Error | null) => err === null ? resolve() : reject(err)))
}

async function main (): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec
  const options: Options = {
    url: spec.url,
    connections: spec.connections,
    pipelining: 1,
    requests: spec.requests.map(r => ({ method: 'GET', path: r.path, headers: r.headers }))
  }
  if (spec.warmupSeconds > 0) await fire({ ...options, duration: spec.warmupSeconds })

  const latencies = createLatencyLog()
  const statuses = new Map<number, number>()
  await send({ kind: 'measuring' })
  const elu = performance.eventLoopUtilization()
  const result = await fire({ ...options, duration: spec.durationSeconds }, ms => latencies.add(ms))
  const generatorElu = performance.eventLoopUtilization(elu).utilization
  await send({ kind: 'measured' })

  for (const [code, stat] of Object.entries(result.statusCodeStats)) statuses.set(Number(code), stat?.count ?? 0)
  await send({
    kind: 'result',
    result: {
      requestsPerSecond: result.requests.total / result.duration,
      total: result.requests.total,
      durationSeconds: result.duration,
      p50Ms: latencies.percentile(50),
      p99Ms: latencies.percentile(99),
      errors: result.errors,
      timeouts: result.timeouts,
      statuses: Object.fromEntries(statuses),
      generatorElu
    }
  })
}

main().then(() => process.disconnect(), (err: unknown) => {
  console.error('load runner failed:', err)
  process.exit(1)
})
