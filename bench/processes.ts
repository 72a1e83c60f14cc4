import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { createServer } from 'node:net'

/**
 * Which CPU runs what, and the child processes the benchmarks start. With two or more CPUs and
 * taskset, the load generator gets the last CPU to itself and the servers the others: they no
 * longer take turns on one core, which is most of the run-to-run noise on a small machine.
 */

export interface CpuPlan {
  /** taskset list for the servers under test (and this driver, which mostly sleeps); null: not pinned. */
  readonly serverCpus: string | null
  /** The load generator's CPU; null: not pinned. */
  readonly loadCpu: string | null
}

export function planCpus (): CpuPlan {
  const count = availableParallelism()
  const hasTaskset = process.platform === 'linux' && spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0
  if (!hasTaskset || count < 2) return { serverCpus: null, loadCpu: null }
  const last = count - 1
  return { serverCpus: last === 1 ? '0' : `0-${last - 1}`, loadCpu: String(last) }
}

/** Moves this process (every thread) onto the servers' CPUs, off the load generator's. */
export function pinSelf (plan: CpuPlan): void {
  if (plan.serverCpus !== null) spawnSync('taskset', ['-a', '-p', '-c', plan.serverCpus, String(process.pid)], { stdio: 'ignore' })
}

/** taskset execs the command, so the child's pid is the command's own: /proc figures read the right process. */
export function spawnPinned (cpus: string | null, command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return cpus === null ? spawn(command, args, options) : spawn('taskset', ['-c', cpus, command, ...args], options)
}

export interface Watched {
  readonly child: ChildProcess
  readonly pid: number
  /** The last few KB of its stdout and stderr, for error messages. */
  output (): string
  /** Null while it runs. */
  exitStatus (): string | null
  /** SIGTERM, then SIGKILL after graceMs; resolves once it has exited. */
  stop (graceMs?: number): Promise<void>
}

const KEEP_OUTPUT_CHARS = 4000

export function watch (child: ChildProcess): Watched {
  if (child.pid === undefined) throw new Error('the child process did not start')
  let output = ''
  let status: string | null = null
  const keep = (chunk: Buffer): void => { output = (output + chunk.toString('utf8')).slice(-KEEP_OUTPUT_CHARS) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>(resolve => child.once('exit', (code, signal) => {
    status = signal === null ? `exit code ${code}` : `signal ${signal}`
    resolve()
  }))
  return {
    child,
    pid: child.pid,
    output: () => output,
    exitStatus: () => status,
    async stop (graceMs = 10_000) {
      if (status !== null) return
      child.kill('SIGTERM')
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(kill)
    }
  }
}

/** A loopback port free right now (reserved, then released): for a child that must be told its port. */
export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => port > 0 ? resolve(port) : reject(new Error('no free port')))
    })
  })
}

export function commandExists (command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}
