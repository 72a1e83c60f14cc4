import assert from 'node:assert/strict'
import test from 'node:test'
import { buildMagicPacket, parseMagicPacket } from '../../../service/src/power/magic-packet.js'

const mac = 'aa:bb:cc:dd:ee:ff'
const macBytes = Buffer.from([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff])

test('magic packet: 6 x 0xFF then the MAC 16 times, 102 bytes', () => {
  const packet = buildMagicPacket(mac)
  assert.equal(packet.length, 102)
  assert.deepEqual([...packet.subarray(0, 6)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
  for (let i = 0; i < 16; i++) {
    const start = 6 + i * 6
    assert.deepEqual(packet.subarray(start, start + 6), macBytes, `repetition ${i}`)
  }
})

test('magic packet: null SecureOn is the same as none', () => {
  assert.deepEqual(buildMagicPacket(mac, null), buildMagicPacket(mac))
})

test('magic packet: SecureOn password appends 6 bytes, 108 in all', () => {
  const password = Buffer.from([1, 2, 3, 4, 5, 6])
  const packet = buildMagicPacket(mac, password)
  assert.equal(packet.length, 108)
  assert.deepEqual(packet.subarray(0, 102), buildMagicPacket(mac))
  assert.deepEqual(packet.subarray(102), password)
})

test('magic packet: SecureOn password of the wrong length is refused', () => {
  assert.throws(() => buildMagicPacket(mac, Buffer.from([1, 2, 3])), /6 bytes/)
})

test('magic packet: a non-MAC is refused', () => {
  assert.throws(() => buildMagicPacket('not-a-mac'), /not a MAC/)
})

test('magic packet: round trip through parse', () => {
  assert.deepEqual(parseMagicPacket(buildMagicPacket('01:23:45:67:89:AB')), { mac: '01:23:45:67:89:ab', secureOn: null })
  const password = Buffer.from('secret')
  assert.deepEqual(parseMagicPacket(buildMagicPacket(mac, password)), { mac, secureOn: password })
})

const notPackets = [
  { name: 'empty', buf: Buffer.alloc(0) },
  { name: 'too short', buf: buildMagicPacket(mac).subarray(0, 101) },
  { name: 'too long', buf: Buffer.concat([buildMagicPacket(mac), Buffer.alloc(1)]) },
  { name: 'bad sync', buf: Buffer.concat([Buffer.from([0xfe]), buildMagicPacket(mac).subarray(1)]) },
  { name: 'one repetition differs', buf: (() => { const b = buildMagicPacket(mac); b[101] = 0; return b })() },
  { name: 'plain text', buf: Buffer.from('hello') }
]
for (const c of notPackets) {
  test(`parse: ${c.name} is not a magic packet`, () => assert.equal(parseMagicPacket(c.buf), null))
}
