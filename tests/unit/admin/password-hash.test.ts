import assert from 'node:assert/strict'
import test from 'node:test'
import { hashPassword, hashPasswordSync, isOutdated, SCRYPT_PARAMS, verifyPassword } from '../../../service/src/store/password-hash.js'

// store/password-hash.ts is pure crypto: tested here beside the admin that relies on it
const weak = { N: 2 ** 10, r: 8, p: 1 }

test('scrypt with OWASP\'s parameters, stored with them and a salt of its own', () => {
  assert.deepEqual(SCRYPT_PARAMS, { N: 131072, r: 8, p: 1 })
  const a = hashPasswordSync('correct horse battery')
  const b = hashPasswordSync('correct horse battery')
  assert.match(a, /^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
  assert.notEqual(a, b, 'two salts, two hashes')
})

test('verify: the right password, not another; older parameters still verify and are flagged', async () => {
  const stored = await hashPassword('correct horse battery', weak)
  assert.equal(await verifyPassword('correct horse battery', stored), true)
  assert.equal(await verifyPassword('correct horse batterY', stored), false)
  assert.equal(isOutdated(stored), true)
  assert.equal(isOutdated(hashPasswordSync('x'.repeat(12))), false)
})

test('the same password typed with composed or decomposed accents matches', async () => {
  const stored = await hashPassword('mot de passe d\u00e9j\u00e0 long', weak)
  assert.equal(await verifyPassword('mot de passe de\u0301ja\u0300 long', stored), true)
})

test('no account, or a stored value Hall did not make, never verifies (and still costs a hash)', async () => {
  assert.equal(await verifyPassword('anything at all', null), false)
  for (const bad of ['', 'plain text', 'scrypt$3$8$1$AAAA$AAAA', `scrypt$${2 ** 30}$8$1$AAAA$AAAA`, 'scrypt$1024$8$1$AAAA']) {
    assert.equal(await verifyPassword('anything at all', bad), false, bad)
  }
})
