/** Wake-on-LAN magic packet bytes: pure, no I/O. */
import { normalizeMac } from '../config/mac.js'

const MAC_BYTES = 6
const REPEATS = 16
const SYNC = Buffer.alloc(MAC_BYTES, 0xff)
// 6 x 0xFF, then the MAC 16 times; a SecureOn password adds 6 more bytes
const PACKET_BYTES = MAC_BYTES + MAC_BYTES * REPEATS
const SECURE_ON_BYTES = 6

function macBytes (mac: string): Buffer {
  const canonical = normalizeMac(mac)
  if (canonical === null) throw new TypeError(`not a MAC address: ${JSON.stringify(mac)}`)
  return Buffer.from(canonical.replaceAll(':', ''), 'hex')
}

export function buildMagicPacket (mac: string, secureOn?: Buffer | null): Buffer {
  const target = macBytes(mac)
  const parts: Buffer[] = [SYNC]
  for (let i = 0; i < REPEATS; i++) parts.push(target)
  if (secureOn != null) {
    if (secureOn.length !== SECURE_ON_BYTES) throw new TypeError(`SecureOn password must be ${SECURE_ON_BYTES} bytes, got ${secureOn.length}`)
    parts.push(secureOn)
  }
  return Buffer.concat(parts)
}

/** The MAC (and SecureOn password) a datagram wakes, or null when it is not a magic packet. */
export function parseMagicPacket (buf: Buffer): { mac: string, secureOn: Buffer | null } | null {
  if (buf.length !== PACKET_BYTES && buf.length !== PACKET_BYTES + SECURE_ON_BYTES) return null
  if (!buf.subarray(0, MAC_BYTES).equals(SYNC)) return null
  const target = buf.subarray(MAC_BYTES, MAC_BYTES * 2)
  for (let i = 1; i < REPEATS; i++) {
    const start = MAC_BYTES * (i + 1)
    if (!buf.subarray(start, start + MAC_BYTES).equals(target)) return null
  }
  const mac = [...target].map(b => b.toString(16).padStart(2, '0')).join(':')
  const secureOn = buf.length > PACKET_BYTES ? Buffer.from(buf.subarray(PACKET_BYTES)) : null
  return { mac, secureOn }
}
