import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createApiKeys, parseApiKeyScopes } from '../../../service/src/store/api-keys.js'
import { openStore } from '../../../service/src/store/db.js'
import { isHallError } from '../../../service/src/errors.js'
import { tempDatabase } from '../../helpers/temp-database.js'

const NOW = Date.UTC(2026, 10, 26, 8, 0, 0)

test('create returns a hall_<prefix>_<secret> key once; the record carries scopes but no hash', (t) => {
  const keys = createApiKeys(tempDatabase(t))
  const { key, record } = keys.create({ name: 'home-assistant', servers: ['erp'], actions: ['wake'], now: NOW })
  assert.match(key, /^hall_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/)
  assert.equal(key.split('_')[1], record.prefix)
  assert.deepEqual(record, { id: record.id, name: 'home-assistant', prefix: record.prefix, servers: ['erp'], actions: ['wake'], createdAt: NOW, lastUsedAt: null, revokedAt: null })
  assert.ok(!('hash' in record))
  assert.ok(keys.list().every(k => !('hash' in k)))
})

test('only the SHA-256 of the key is stored: neither the key nor its secret is anywhere in the database files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-keys-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const db = openStore(join(dir, 'hall.db'))
  const { key } = createApiKeys(db).create({ name: 'ci', servers: null, actions: null, now: NOW })
  const hash = db.prepare<[], { hash: string }>('SELECT hash FROM api_keys').get()!.hash
  db.close() // checkpoints the WAL into the main file; any WAL left behind is read below too
  const bytes = Buffer.concat(readdirSync(dir).map(f => readFileSync(join(dir, f))))
  assert.ok(bytes.includes(hash), 'the search does see the row (its hash is there)')
  assert.ok(!bytes.includes(key), 'the key is not stored')
  assert.ok(!bytes.includes(key.slice(-43)), 'the secret part is not stored')
})

test('verify: the right key gives its record; wrong, malformed, unknown, missing and revoked keys give null', (t) => {
  const keys = createApiKeys(tempDatabase(t))
  const { key } = keys.create({ name: 'a', servers: null, actions: null, now: NOW })
  const other = keys.create({ name: 'b', servers: null, actions: null, now: NOW }).key
  assert.equal(keys.verify(key)?.name, 'a')
  assert.equal(keys.verify(other)?.name, 'b')
  const lastChar = key.at(-1) === 'A' ? 'B' : 'A'
  const cases = [
    { name: 'one character changed', presented: key.slice(0, -1) + lastChar },
    { name: 'right prefix, other key\'s secret', presented: key.slice(0, 14) + other.slice(14) },
    { name: 'unknown prefix', presented: 'hall_00000000_' + key.slice(14) },
    { name: 'truncated', presented: key.slice(0, -1) },
    { name: 'extra character', presented: key + 'x' },
    { name: 'not a key at all', presented: 'letmein' },
    { name: 'empty', presented: '' },
    { name: 'missing', presented: undefined }
  ]
  for (const c of cases) assert.equal(keys.verify(c.presented), null, c.name)
  assert.equal(keys.revoke('a', NOW + 1000), true)
  assert.equal(keys.verify(key), null, 'revoked')
  assert.equal(keys.verify(other)?.name, 'b', 'revoking one key leaves the others')
})

test('revoke keeps the first revocation time; an unknown name is reported', (t) => {
  const keys = createApiKeys(tempDatabase(t))
  keys.create({ name: 'a', servers: null, actions: null, now: NOW })
  assert.equal(keys.revoke('a', NOW + 1000), true)
  assert.equal(keys.revoke('a', NOW + 2000), true)
  assert.equal(keys.list()[0]!.revokedAt, NOW + 1000)
  assert.equal(keys.revoke('nobody', NOW), false)
})

test('list: oldest first, with scopes, last use and revocation', (t) => {
  const keys = createApiKeys(tempDatabase(t))
  const first = keys.create({ name: 'first', servers: ['erp', 'testing'], actions: null, now: NOW }).record
  keys.create({ name: 'second', servers: null, actions: ['shutdown'], now: NOW + 1 })
  keys.touch(first.id, NOW + 5000)
  keys.revoke('second', NOW + 6000)
  assert.deepEqual(keys.list().map(k => [k.name, k.servers, k.actions, k.lastUsedAt, k.revokedAt]), [
    ['first', ['erp', 'testing'], null, NOW + 5000, null],
    ['second', null, ['shutdown'], null, NOW + 6000]
  ])
})

test('a name is taken once, revoked or not; names are checked', (t) => {
  const keys = createApiKeys(tempDatabase(t))
  keys.create({ name: 'a', servers: null, actions: null, now: NOW })
  keys.revoke('a', NOW)
  assert.throws(() => keys.create({ name: 'a', servers: null, actions: null, now: NOW }), (err) => isHallError(err, 'HALL_ERR_API_KEY_NAME_TAKEN'))
  for (const bad of ['', '-dash-first', 'with space', 'x'.repeat(65), 'semi;colon']) {
    assert.throws(() => keys.create({ name: bad, servers: null, actions: null, now: NOW }), (err) => isHallError(err, 'HALL_ERR_API_KEY_NAME_INVALID'), bad)
  }
  assert.equal(keys.list().length, 1)
})

const scopeCases = [
  { name: 'nothing given: every server, every action', servers: undefined, actions: undefined, want: { servers: null, actions: null } },
  { name: 'lists, spaces trimmed, duplicates dropped', servers: 'erp, testing,erp', actions: 'wake', want: { servers: ['erp', 'testing'], actions: ['wake'] } },
  { name: 'both actions', servers: undefined, actions: 'shutdown,wake', want: { servers: null, actions: ['shutdown', 'wake'] } },
  { name: 'unknown action', servers: undefined, actions: 'wake,reboot', error: /"reboot" is not an action \(known: wake, shutdown\)/ },
  { name: 'empty action list', servers: undefined, actions: '', error: /invalid action list: "" is not an action/ },
  { name: 'empty server in the list', servers: 'erp,,testing', actions: undefined, error: /invalid server list: "" is not a server name/ },
  { name: 'not a server name', servers: 'erp/../x', actions: undefined, error: /"erp\/..\/x" is not a server name/ }
]
for (const c of scopeCases) {
  test(`scopes: ${c.name}`, () => {
    if (c.error === undefined) assert.deepEqual(parseApiKeyScopes(c.servers, c.actions), c.want)
    else assert.throws(() => parseApiKeyScopes(c.servers, c.actions), (err) => isHallError(err, 'HALL_ERR_API_KEY_SCOPE_INVALID') && c.error.test(err.message))
  })
}

test('scopes come back from the database as they went in', (t) => {
  const keys = createApiKeys(tempDatabase(t))
  const { key } = keys.create({ name: 'x', ...parseApiKeyScopes('lab', 'wake'), now: NOW })
  const record = keys.verify(key)!
  assert.deepEqual([record.servers, record.actions], [['lab'], ['wake']])
})
