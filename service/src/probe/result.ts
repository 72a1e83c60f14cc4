/** What one health check found. Expected failures are values here, never exceptions (STYLE.md). */
export type CheckReason = 'timeout' | 'refused' | 'unreachable' | 'status' | 'body' | 'unavailable' | 'error'

export interface CheckResult {
  readonly type: 'ping' | 'tcp' | 'http'
  /** Host, host:port or URL, for logs and the dashboard. */
  readonly target: string
  /** The check passed. */
  readonly ok: boolean
  /** The host answered at all (echo reply, TCP handshake, any HTTP response): enough for BOOTING. */
  readonly alive: boolean
  /** Why the check failed; null when ok. 'unavailable' means the probe tool itself is missing. */
  readonly reason: CheckReason | null
  /** HTTP status when a response arrived, else null. */
  readonly status: number | null
  readonly durationMs: number
}

export interface ServerProbe {
  /** Some check saw the host answer. */
  readonly alive: boolean
  /** Every check that could run passed. */
  readonly ready: boolean
  readonly checks: readonly CheckResult[]
  readonly durationMs: number
}

/**
 * Maps a socket-level error to a reason: Node surfaces the OS errno as `code`, sometimes on a
 * wrapped error, so the cause chain is followed a few levels.
 */
export function reasonOfError (err: unknown): CheckReason {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    switch ((e as NodeJS.ErrnoException).code) {
      case 'ECONNREFUSED':
        return 'refused'
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'EHOSTDOWN':
        return 'unreachable'
      case 'ETIMEDOUT':
        return 'timeout'
    }
  }
  return 'error'
}
