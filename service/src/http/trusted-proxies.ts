import { BlockList } from 'node:net'
import type { Cidr } from '../config/cidr.js'

export interface ProxyTrust {
  /** Whether `address` (the TCP peer) is one of the trusted proxies. */
  trusts (address: string | undefined): boolean
}

/** Peers are few (the proxy, a monitor): remembering answers keeps the check to one map lookup. */
const CACHE_LIMIT = 1024

export function createProxyTrust (cidrs: readonly Cidr[]): ProxyTrust {
  const list = new BlockList()
  for (const c of cidrs) list.addSubnet(c.address, c.prefix, c.family)
  const cache = new Map<string, boolean>()
  return {
    trusts (address) {
      if (address === undefined) return false
      let trusted = cache.get(address)
      if (trusted === undefined) {
        // "::ffff:127.0.0.1" is how a dual-stack socket shows an IPv4 peer; BlockList matches it
        trusted = list.check(address, address.includes(':') ? 'ipv6' : 'ipv4')
        if (cache.size >= CACHE_LIMIT) cache.clear()
        cache.set(address, trusted)
      }
      return trusted
    }
  }
}
