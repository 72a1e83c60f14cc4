import { createHash, timingSafeEqual } from 'node:crypto'
import type { ErrorCode } from '../../errors.js'
import { clientAddress } from '../client-address.js'
import type { ProxyTrust } from '../trusted-proxies.js'

export interface MetricsAccessDeps {
  /** Trusted proxies: whose X-Forwarded-For names the client (the admin's rule). */
  readonly proxies: ProxyTrust
  /** HALL_ADMIN_ALLOW, as a matcher. */
  readonly allowed: ProxyTrust
  /** HALL_METRICS_TOKEN; null: only allowed addresses get the metrics. */
  readonly token: string | null
}

export interface MetricsRequest {
  readonly peer: string | undefined
  readonly forwardedFor: string | string[] | undefined
  readonly authorization: string | undefined
}

/** Null: served. Else the refusal's code: 401 when a token would open it, 403 when nothing would. */
export type MetricsAccess = (req: MetricsRequest) => ErrorCode | null

/**
 * The admin's address rule (the TCP peer, or a trusted proxy's right-most X-Forwarded-For), or
 * `Authorization: Bearer <HALL_METRICS_TOKEN>` from anywhere: a Prometheus outside the LAN.
 */
export function createMetricsAccess (deps: MetricsAccessDeps): MetricsAccess {
  // digests have one length, so the compare takes the same time whatever was sent
  const expected = deps.token === null ? null : digest(deps.token)
  return (req) => {
    const address = clientAddress(req.peer, req.forwardedFor, deps.proxies)
    if (address !== null && deps.allowed.trusts(address)) return null
    if (expected === null) return 'HALL_ERR_METRICS_NOT_ALLOWED'
    const presented = bearerToken(req.authorization)
    const ok = timingSafeEqual(digest(presented ?? ''), expected) && presented !== null
    return ok ? null : 'HALL_ERR_METRICS_TOKEN_INVALID'
  }
}

function bearerToken (header: string | undefined): string | null {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '')
  return match === null ? null : match[1]!
}

function digest (text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}
