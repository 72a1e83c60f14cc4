import assert from 'node:assert/strict'
import test from 'node:test'
import { parseCidr } from '../../../service/src/config/cidr.js'
import { clientAddress } from '../../../service/src/http/client-address.js'
import { createProxyTrust } from '../../../service/src/http/trusted-proxies.js'

const proxies = createProxyTrust([parseCidr('127.0.0.1')!, parseCidr('::1')!])

const cases: Array<{ name: string, peer: string | undefined, xff: string | string[] | undefined, expected: string | null }> = [
  { name: 'a direct client is its TCP peer', peer: '192.168.1.20', xff: undefined, expected: '192.168.1.20' },
  { name: 'a direct client cannot claim another address', peer: '203.0.113.9', xff: '192.168.1.20', expected: '203.0.113.9' },
  { name: 'through the proxy: the entry it appended', peer: '127.0.0.1', xff: '192.168.1.20', expected: '192.168.1.20' },
  { name: 'through the proxy: the right-most entry, not what the client wrote', peer: '127.0.0.1', xff: '192.168.1.20, 203.0.113.9', expected: '203.0.113.9' },
  { name: 'repeated headers: still the last entry', peer: '127.0.0.1', xff: ['192.168.1.20', '203.0.113.9'], expected: '203.0.113.9' },
  { name: 'IPv6 through the proxy', peer: '::1', xff: 'fd00::20', expected: 'fd00::20' },
  { name: 'a dual-stack IPv4 peer reads as IPv4', peer: '::ffff:192.168.1.20', xff: undefined, expected: '192.168.1.20' },
  { name: 'the proxy\'s own request, no header', peer: '127.0.0.1', xff: undefined, expected: '127.0.0.1' },
  { name: 'garbage from the proxy is refused', peer: '127.0.0.1', xff: '192.168.1.20, unknown', expected: null },
  { name: 'a port is not an address', peer: '127.0.0.1', xff: '192.168.1.20:5000', expected: null },
  { name: 'no peer (a closed socket)', peer: undefined, xff: '192.168.1.20', expected: null }
]
for (const c of cases) {
  test(`client address: ${c.name}`, () => assert.equal(clientAddress(c.peer, c.xff, proxies), c.expected))
}
