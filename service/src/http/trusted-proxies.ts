import { BlockList } from 'node:net'
import type { Cidr } from '../config/cidr.js'
import { boundedMemo } from './bounded-memo.js'

export interface ProxyTrust {
  /** Whether `address` (the TCP peer) is one of the trusted proxies. */
  trusts (address: string | undefined): boolean
}

/** Peers are few (the proxy, a monitor): remembering answers keeps the check to one map lookup. */
const CACHE_LIMIT = 1024

export function createProxyTrust (cidrs: readonly Cidr[]): ProxyTrust {
  const list = new BlockList()
  for (const c of cidrs) list.addSubnet(c.address, c.prefix, c.family)
  // "::ffff:127.0.0.1" is how a dual-stack socket shows an IPv4 peer; BlockList matches it
  const check = boundedMemo(CACHE_LIMIT, address => list.check(address, address.includes(':') ? 'ipv6' : 'ipv4'))
  return {
    trusts: address => address !== undefined && check(address)
  }
}
