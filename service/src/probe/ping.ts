import { execFile, type ExecFileException } from 'node:child_process'
import type { CheckResult } from './result.js'

/**
 * One ICMP echo through the system `ping` (iputils or BusyBox): Node cannot open raw sockets
 * without privileges, and ping is setuid or uses unprivileged ICMP sockets where allowed.
 * A missing binary, or one the kernel will not let open a socket, is reported as 'unavailable'.
 */
export function probePing (host: string, timeoutMs: number, signal?: AbortSignal, pingPath = 'ping'): Promise<CheckResult> {
  const started = performance.now()
  const result = (ok: boolean, reason: CheckResult['reason']): CheckResult =>
    ({ type: 'ping', target: host, ok, alive: ok, reason, status: null, durationMs: performance.now() - started })

  // a host beginning with '-' would be read as an option by ping
  if (host === '' || host.startsWith('-')) return Promise.resolve(result(false, 'error'))
  if (signal?.aborted === true) return Promise.resolve(result(false, 'error'))

  // -n: no reverse DNS (slow, and useless here); -W: reply wait in seconds, at least 1
  const waitSeconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)))
  return new Promise(resolve => {
    execFile(pingPath, ['-n', '-c', '1', '-W', waitSeconds, host], {
      // -W only takes whole seconds: the kill enforces a sub-second deadline
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      signal,
      windowsHide: true,
      maxBuffer: 64 * 1024
    }, (err, stdout, stderr) => {
      if (err === null) return resolve(result(true, null))
      resolve(result(false, pingFailure(err, String(stdout), String(stderr), signal)))
    })
  })
}

function pingFailure (err: ExecFileException, stdout: string, stderr: string, signal?: AbortSignal): CheckResult['reason'] {
  if (err.code === 'ENOENT' || err.code === 'EACCES') return 'unavailable'
  if (signal?.aborted === true || err.name === 'AbortError') return 'error'
  if (err.killed === true) return 'timeout'
  // exit 1: sent, no reply (iputils and BusyBox); the text is only a hint and may be localised
  if (err.code === 1) return /unreachable/i.test(stdout + stderr) ? 'unreachable' : 'timeout'
  // exit 2: could not send at all; no CAP_NET_RAW and no ping_group_range means ping is unusable here
  if (/not permitted|permission denied|socket/i.test(stderr)) return 'unavailable'
  if (/unreachable/i.test(stderr)) return 'unreachable'
  return 'error'
}
