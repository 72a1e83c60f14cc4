import { spawn, spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

/** One load run: the same generator, connection count and durations for every case. */
export interface LoadSpec {
  readonly url: string
  /** Cycled through in order by each connection: lets one run spread over several domains. */
  readonly requests: ReadonlyArray<{ readonly path: string, readonly headers: Readonly<Record<string, string>> }>
  readonly connections: number
  readonly warmupSeconds: number
  readonly durationSeconds: number
}

export interface LoadResult {
  readonly requestsPerSecond: number
  readonly total: number
  readonly durationSeconds: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly errors: number
  readonly timeouts: number
  /** Response count by HTTP status, for the measured window only. */
  readonly statuses: Readonly<Record<string, number>>
  /** Event-loop utilisation of the load generator itself: near 1 means it, not the server, is the limit. */
  readonly generatorElu: number
}

export type RunnerMessage =
  | { readonly kind: 'measuring' }
  | { readonly kind: 'measured' }
  | { readonly kind: 'result', readonly result: LoadResult }

export interface LoadHooks {
  /** Called when the warm-up is over and the measured window starts (and when it ends). */
  readonly onMeasureStart?: () => void
  readonly onMeasureEnd?: () => void
}

const runnerFile = fileURLToPath(new URL('./load-runner.ts', import.meta.url))
/** Startup, warm-up and reporting are bounded too: a stuck child is killed, never waited on forever. */
const SLACK_MS = 15_000

/** Runs autocannon in a child process (so it does not share the server's event loop) and returns its numbers. */
export function runLoad (spec: LoadSpec, hooks: LoadHooks = {}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', runnerFile, JSON.stringify(spec)]
    const pinned = loadCpu()
    const child = pinned === null
      ? spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      : spawn('taskset', ['-c', String(pinned), process.execPath, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let result: LoadResult | null = null
    const deadline = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`load run against ${spec.url} did not finish within ${spec.warmupSeconds + spec.durationSeconds}s + ${SLACK_MS / 1000}s`))
    }, (spec.warmupSeconds + spec.durationSeconds) * 1000 + SLACK_MS)

    child.on('message', (message: RunnerMessage) => {
      switch (message.kind) {
        case 'measuring':
          hooks.onMeasureStart?.()
          break
        case 'measured':
          hooks.onMeasureEnd?.()
          break
        case 'result':
          result = message.result
          break
        default: {
          const never: never = message
          return never
        }
      }
    })
    child.on('error', err => { clearTimeout(deadline); reject(err) })
    child.on('exit', (code, signal) => {
      clearTimeout(deadline)
      if (result !== null) resolve(result)
      else reject(new Error(`load runner exited (${signal ?? `code ${code}`}) without a result`))
    })
  })
}

/**
 * On Linux with taskset and at least two CPUs, the load generator gets the last CPU to itself
 * and the server process (pinned by pinServer) the others: the two then stop taking turns on the
 * same core, which is most of the run-to-run noise on a small machine.
 */
export function loadCpu (): number | null {
  return loadCpuAtStart
}

// read before pinServer narrows this process's own CPU set, which availableParallelism() follows
const loadCpuAtStart = process.platform === 'linux' && availableParallelism() >= 2 && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0
  ? availableParallelism() - 1
  : null

/** Pins this process (the servers under test) off the load generator's CPU; returns the CPUs it kept. */
export function pinServer (): string | null {
  const cpu = loadCpu()
  if (cpu === null) return null
  const cpus = cpu === 1 ? '0' : `0-${cpu - 1}`
  return spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' }).status === 0 ? cpus : null
}
