import { connect } from 'node:net'
import { reasonOfError, type CheckResult } from './result.js'

/**
 * Opens one TCP connection and closes it at once. The socket is destroyed on every path, so a
 * dead host probed every 500 ms never holds more than one half-open socket per probe in flight.
 */
export function probeTcp (host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<CheckResult> {
  const started = performance.now()
  const target = `${host}:${port}`
  const result = (ok: boolean, reason: CheckResult['reason']): CheckResult =>
    ({ type: 'tcp', target, ok, alive: ok, reason, status: null, durationMs: performance.now() - started })

  // a caller that has already given up gets an answer without a socket being opened
  if (signal?.aborted === true) return Promise.resolve(result(false, 'error'))

  return new Promise(resolve => {
    const socket = connect({ host, port })
    let settled = false
    const finish = (r: CheckResult): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      resolve(r)
    }
    const onAbort = (): void => finish(result(false, 'error'))
    const timer = setTimeout(() => finish(result(false, 'timeout')), timeoutMs)
    signal?.addEventListener('abort', onAbort, { once: true })
    // a refused connection is reported as not alive: the check is about the service, and the
    // lifecycle reads BOOTING from checks that succeed (ping or an open port)
    socket.once('connect', () => finish(result(true, null)))
    socket.once('error', err => finish(result(false, reasonOfError(err))))
  })
}
