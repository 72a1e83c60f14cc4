import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as delay } from 'node:timers/promises'
import { freePort } from './free-port.js'

// Runs the real service as a child process (`hall serve`), for tests that need what only a
// process has: signals, restarts over the same SQLite file, a crash (kill9).

export interface HallProcessOptions {
  configFile: string
  // overrides; pass HALL_DB to reuse another run's database (that file is then not deleted)
  env?: Record<string, string>
}

export interface HallProcess {
  url: string
  port: number
  dbFile: string
  stop (): Promise<void>
  kill9 (): void
  /** Sends a signal without waiting: pair it with `exited`. */
  signal (name: NodeJS.Signals): void
  /** Settles when the process has exited, with its exit code (or the signal that ended it). */
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  logs (): string
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const START_TIMEOUT_MS = 15_000
const STOP_GRACE_MS = 5_000

export async function startHall (opts: HallProcessOptions): Promise<HallProcess> {
  // freePort releases the port before Hall binds it; if a stranger wins it, Hall fails with
  // EADDRINUSE (or /healthz answers from the stranger, which start() also checks for)
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(opts)
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test(String(err))) throw err
    }
  }
}

async function start (opts: HallProcessOptions): Promise<HallProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'hall-process-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  // the developer's own HALL_* settings must not leak into a test run
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HALL_')))
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HALL_CONFIG: opts.configFile,
    HALL_DB: join(dir, 'hall.db'),
    HALL_HOST: '127.0.0.1',
    HALL_PORT: String(port),
    HALL_PUBLIC_URL: url,
    HALL_LOG_LEVEL: 'info',
    ...opts.env
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'service/src/cli.ts', 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => { output += s })
  child.stderr.setEncoding('utf8').on('data', (s: string) => { output += s })
  const exited = new Promise<{ code: number | null, signal: NodeJS.Signals | null }>(resolve => child.once('exit', (code, signal) => resolve({ code, signal })))
  const running = (): boolean => child.exitCode === null && child.signalCode === null
  const killOnExit = (): void => { child.kill('SIGKILL') } // never leave Hall behind a crashed test run
  process.once('exit', killOnExit)

  let stopping: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      if (running()) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
        await exited
        clearTimeout(timer)
      }
      process.off('exit', killOnExit)
      await rm(dir, { recursive: true, force: true })
    })()
    await stopping
  }

  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    if (!running()) {
      await stop()
      throw new Error(`hall exited before /healthz answered (code ${child.exitCode ?? child.signalCode}):\n${output}`)
    }
    if (await healthy(url)) break
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`hall did not answer 200 on ${url}/healthz within ${START_TIMEOUT_MS} ms:\n${output}`)
    }
    await delay(50)
  }
  // /healthz may have come from a stranger on the same port; Hall itself then died of EADDRINUSE
  await delay(50)
  if (!running()) {
    await stop()
    throw new Error(`hall exited right after start:\n${output}`)
  }

  return {
    url,
    port,
    dbFile: env.HALL_DB ?? join(dir, 'hall.db'),
    stop,
    kill9: () => { child.kill('SIGKILL') },
    signal: (name) => { child.kill(name) },
    exited,
    logs: () => output
  }
}

async function healthy (url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })
    await res.arrayBuffer()
    return res.status === 200
  } catch {
    return false
  }
}
