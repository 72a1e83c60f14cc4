import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createApiKeys, describeRefusal, isInScope, parseApiKeyScopes } from '../../../service/src/store/api-keys.js'
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

test('verify: the right key gives its record; wrong, malformed, unknown, missing and revoked keys are refused, each saying why', (t) => {
  const db = tempDatabase(t)
  const keys = createApiKeys(db)
  const { key, record } = keys.create({ name: 'a', servers: null, actions: null, now: NOW })
  const other = keys.create({ name: 'b', servers: null, actions: null, now: NOW }).key
  const nameOf = (presented: string | undefined): string | null => { const v = keys.verify(presented); return v.ok ? v.key.name : null }
  assert.equal(nameOf(key), 'a')
  assert.equal(nameOf(other), 'b')
  const database = db.name // an absolute path already: the temp dir
  const looked = (reason: string): object => ({ reason, prefix: record.prefix, database })
  const lastChar = key.at(-1) === 'A' ? 'B' : 'A'
  const cases = [
    { name: 'one character changed', presented: key.slice(0, -1) + lastChar, refusal: looked('wrong-secret') },
    { name: 'right prefix, other key\'s secret', presented: key.slice(0, 14) + other.slice(14), refusal: looked('wrong-secret') },
    { name: 'unknown prefix', presented: 'hall_00000000_' + key.slice(14), refusal: { reason: 'unknown', prefix: '00000000', database } },
    { name: 'truncated', presented: key.slice(0, -1), refusal: { reason: 'malformed' } },
    { name: 'extra character', presented: key + 'x', refusal: { reason: 'malformed' } },
    { name: 'not a key at all', presented: 'letmein', refusal: { reason: 'malformed' } },
    { name: 'empty', presented: '', refusal: { reason: 'malformed' } },
    { name: 'missing', presented: undefined, refusal: { reason: 'missing' } }
  ]
  for (const c of cases) assert.deepEqual(keys.verify(c.presented), { ok: false, refusal: c.refusal }, c.name)
  assert.equal(keys.revoke('a', NOW + 1000), true)
  assert.deepEqual(keys.verify(key), { ok: false, refusal: looked('revoked') })
  assert.equal(nameOf(other), 'b', 'revoking one key leaves the others')
})

test('an unknown key is reported with the absolute path of the database it was looked up in', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-keys-'))
  const cwd = process.cwd()
  process.chdir(dir)
  t.after(() => { process.chdir(cwd); rmSync(dir, { recursive: true, force: true }) })
  const db = openStore(join('data', 'hall.db')) // relative, as HALL_DB's default is
  t.after(() => db.close())
  const verdict = createApiKeys(db).verify(`hall_0badc0de_${'A'.repeat(43)}`)
  assert.deepEqual(verdict, { ok: false, refusal: { reason: 'unknown', prefix: '0badc0de', database: join(realpathSync(dir), 'data', 'hall.db') } })
  assert.equal(describeRefusal(verdict.ok ? assert.fail() : verdict.refusal),
    `API key refused: no key with prefix 0badc0de in ${join(realpathSync(dir), 'data', 'hall.db')} (hall apikey create writes to HALL_DB: is it this file?)`)
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
  { name: 'unknown action', servers: undefined, actions: 'wake,reboot', error: /"reboot" is not an action \(known: wake, shutdown, projects\)/ },
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
  const verdict = keys.verify(key)
  assert.deepEqual(verdict.ok ? [verdict.key.servers, verdict.key.actions] : null, [['lab'], ['wake']])
})

test('a damaged scope list in the database reads as no access at all, never as every server or every action', (t) => {
  const db = tempDatabase(t)
  const keys = createApiKeys(db)
  const cases = [
    { name: 'not JSON', stored: '[erp' },
    { name: 'JSON null', stored: 'null' },
    { name: 'an object', stored: '{"0":"erp"}' },
    { name: 'a string', stored: '"erp"' },
    { name: 'a number in the list', stored: '["erp",7]' },
    { name: 'not a name', stored: '["erp","../x"]' }
  ]
  for (const [i, c] of cases.entries()) {
    const { key } = keys.create({ name: `k${i}`, servers: ['erp'], actions: ['wake'], now: NOW })
    db.prepare('UPDATE api_keys SET servers = ?, actions = ? WHERE name = ?').run(c.stored, c.stored.replace('erp', 'wake'), `k${i}`)
    const verdict = keys.verify(key)
    assert.ok(verdict.ok, c.name)
    assert.deepEqual([verdict.key.servers, verdict.key.actions], [[], []], c.name)
    assert.equal(isInScope(verdict.key, 'erp', 'wake'), false, c.name)
  }
  const { key } = keys.create({ name: 'unknown-action', servers: null, actions: ['wake'], now: NOW })
  db.prepare('UPDATE api_keys SET actions = ? WHERE name = ?').run('["wake","reboot"]', 'unknown-action')
  const verdict = keys.verify(key)
  assert.ok(verdict.ok)
  assert.deepEqual([verdict.key.servers, verdict.key.actions], [null, []])
})
