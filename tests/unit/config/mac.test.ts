import assert from 'node:assert/strict'
import test from 'node:test'
import { normalizeMac } from '../../../service/src/config/mac.js'

const accepted = [
  { name: 'colon, upper case', input: 'AA:BB:CC:DD:EE:FF' },
  { name: 'colon, lower case', input: 'aa:bb:cc:dd:ee:ff' },
  { name: 'dash (Windows)', input: 'AA-BB-CC-DD-EE-FF' },
  { name: 'dotted (Cisco)', input: 'aabb.ccdd.eeff' },
  { name: 'bare hex', input: 'AABBCCDDEEFF' },
  { name: 'mixed case', input: 'aA:Bb:cC:dD:Ee:fF' },
  { name: 'surrounding spaces trimmed', input: '  AA:BB:CC:DD:EE:FF \t' }
]
for (const c of accepted) {
  test(`normalizeMac: ${c.name} -> aa:bb:cc:dd:ee:ff`, () => {
    assert.equal(normalizeMac(c.input), 'aa:bb:cc:dd:ee:ff')
  })
}

test('normalizeMac: keeps the bytes and their order', () => {
  assert.equal(normalizeMac('01-23-45-67-89-AB'), '01:23:45:67:89:ab')
  assert.equal(normalizeMac('0123.4567.89ab'), '01:23:45:67:89:ab')
})

const rejected = [
  { name: 'empty', input: '' },
  { name: 'five bytes', input: 'AA:BB:CC:DD:EE' },
  { name: 'seven bytes', input: 'AA:BB:CC:DD:EE:FF:00' },
  { name: 'non-hex digit', input: 'GG:BB:CC:DD:EE:FF' },
  { name: 'mixed separators', input: 'AA:BB-CC:DD:EE:FF' },
  { name: 'single-digit byte', input: 'A:BB:CC:DD:EE:FF' },
  { name: 'space inside', input: 'AA:BB:CC DD:EE:FF' },
  { name: 'dotted with wrong grouping', input: 'aa.bbcc.ddeeff' },
  { name: 'bare hex, 11 digits', input: 'AABBCCDDEEF' },
  { name: 'trailing separator', input: 'AA:BB:CC:DD:EE:FF:' },
  { name: 'newline inside', input: 'AA:BB:CC:DD:EE:FF\nrm' }
]
for (const c of rejected) {
  test(`normalizeMac: rejects ${c.name}`, () => {
    assert.equal(normalizeMac(c.input), null)
  })
}
