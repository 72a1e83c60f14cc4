import { isIP } from 'node:net'
import type { ProxyTrust } from './trusted-proxies.js'

/**
 * The address the admin judges a request by: the TCP peer, or, only when the peer is one of the
 * trusted proxies, the right-most X-Forwarded-For entry: the one that proxy appended. Entries to
 * its left were written by the client and prove nothing. Null when a trusted proxy sent something
 * that is not an address: such a request is refused, never waved through as the proxy's own.
 */
export function clientAddress (peer: string | undefined, forwardedFor: string | string[] | undefined, proxies: ProxyTrust): string | null {
  if (peer === undefined) return null
  if (!proxies.trusts(peer)) return unmapped(peer)
  // Node joins repeated X-Forwarded-For headers with ", ": the last entry is still the proxy's
  const text = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor
  if (text === undefined || text.trim() === '') return unmapped(peer) // the proxy's own request (a health check on the box)
  const last = text.slice(text.lastIndexOf(',') + 1).trim()
  return isIP(last) === 0 ? null : unmapped(last)
}

/** "::ffff:192.168.1.20" is how a dual-stack socket shows an IPv4 client: the log and the event log say 192.168.1.20. */
function unmapped (address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address
}
