import type { ChildProcess } from 'node:child_process'

/** A server program a test started (caddy, nginx): its output, and a stop that never leaves it behind. */
export interface WatchedChild {
  output (): string
  /** The program has exited (it failed to start, or was stopped). */
  hasExited (): boolean
  /** SIGTERM, then SIGKILL after 5 s; resolves once it is gone. */
  stop (): Promise<void>
}

export function watchChild (child: ChildProcess): WatchedChild {
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (s: string) => { output += s })
  child.stderr?.setEncoding('utf8').on('data', (s: string) => { output += s })
  const killOnExit = (): void => { child.kill('SIGKILL') } // never left behind by a crashed test run
  process.once('exit', killOnExit)
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null
  return {
    output: () => output,
    hasExited,
    async stop () {
      process.off('exit', killOnExit)
      if (hasExited()) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
  }
}
