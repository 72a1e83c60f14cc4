import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'

/**
 * What the kernel says about another process (Linux /proc): CPU time, memory, open files.
 * Read from outside, so the process under test runs exactly as deployed, with no probe inside it.
 */

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (100 on nearly every Linux). */
const ticksPerSecond = readTicksPerSecond()

function readTicksPerSecond (): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim())
    return Number.isFinite(value) && value > 0 ? value : 100
  } catch {
    return 100
  }
}

export function hasProcfs (): boolean {
  try {
    readFileSync('/proc/self/stat', 'utf8')
    return true
  } catch {
    return false
  }
}

/** utime + stime of every thread of the process, in µs; null once it is gone. */
export function cpuMicros (pid: number): number | null {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const utime = Number(fields[11])
  const stime = Number(fields[12])
  return ((utime + stime) / ticksPerSecond) * 1e6
}

/** A field of /proc/<pid>/status given in kB (VmRSS, RssAnon, VmHWM...), in bytes; null if absent. */
export function statusBytes (pid: number, field: string): number | null {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return null
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)
  return match === null ? null : Number(match[1]) * 1024
}

export function rssBytes (pid: number): number | null {
  return statusBytes(pid, 'VmRSS')
}

/** Open file descriptors (sockets, files, the SQLite database, pipes). */
export function openFds (pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return null
  }
}

export function mib (bytes: number | null): string {
  return bytes === null ? 'n/a' : `${(bytes / 2 ** 20).toFixed(1)} MiB`
}
