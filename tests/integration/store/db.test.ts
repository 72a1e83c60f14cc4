import test, { type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { openStore } from '../../../service/src/store/db.js'
import { latestVersion, migrations } from '../../../service/src/store/migrations.js'
import { isHallError } from '../../../service/src/errors.js'

function tempDir (t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-db-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

function open (t: TestContext, file: string): Database.Database {
  const db = openStore(file)
  t.after(() => { if (db.open) db.close() })
  return db
}

test('migrations are numbered 1, 2, 3... in order', () => {
  assert.deepEqual(migrations.map(m => m.version), migrations.map((_, i) => i + 1))
  assert.equal(latestVersion, migrations.length)
})

test('opens in WAL mode with the pragmas Hall relies on, creating the parent directory', (t) => {
  const file = path.join(tempDir(t), 'nested', 'dir', 'hall.db')
  const db = open(t, file)
  assert.ok(fs.existsSync(file))
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal')
  assert.equal(db.pragma('synchronous', { simple: true }), 1) // NORMAL
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1)
  assert.equal(db.pragma('busy_timeout', { simple: true }), 5000)
  assert.equal(db.pragma('user_version', { simple: true }), latestVersion)
  const tables = db.prepare<[], { name: string }>(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all()
  assert.deepEqual(tables.map(r => r.name), ['activity', 'api_keys', 'events', 'project_certificates', 'project_members', 'project_operations', 'projects', 'server_state', 'sessions', 'settings', 'shutdowns', 'transitions', 'uptime', 'users', 'wakes'])
})

test('reopening keeps the data and does not run migrations again', (t) => {
  const file = path.join(tempDir(t), 'hall.db')
  const first = open(t, file)
  first.prepare('INSERT INTO events (at, level, kind, message) VALUES (1, ?, ?, ?)').run('info', 'boot', 'hello')
  first.close()
  // migration 1 uses plain CREATE TABLE, so running it again would throw "table already exists"
  const second = open(t, file)
  assert.equal(second.pragma('user_version', { simple: true }), latestVersion)
  assert.deepEqual(second.prepare('SELECT message FROM events').all(), [{ message: 'hello' }])
})

test('a database from a newer Hall is refused', (t) => {
  const file = path.join(tempDir(t), 'hall.db')
  const db = open(t, file)
  db.pragma(`user_version = ${latestVersion + 1}`)
  db.close()
  assert.throws(() => openStore(file), (err) => {
    assert.ok(isHallError(err, 'HALL_ERR_STORE_MIGRATION'))
    assert.match(err.message, new RegExp(`version ${latestVersion + 1} is newer than this Hall knows \\(${latestVersion}\\)`))
    return true
  })
})

test('a failing migration names its version and leaves the schema as it was', (t) => {
  const file = path.join(tempDir(t), 'hall.db')
  const raw = new Database(file)
  raw.exec('CREATE TABLE wakes (id INTEGER PRIMARY KEY)') // clashes with migration 1
  raw.close()
  assert.throws(() => openStore(file), (err) => {
    assert.ok(isHallError(err, 'HALL_ERR_STORE_MIGRATION'))
    assert.match(err.message, /migration 1 .*failed: table wakes already exists/)
    assert.deepEqual(err.details, { version: 1 })
    return true
  })
  const after = new Database(file, { readonly: true })
  t.after(() => after.close())
  assert.equal(after.pragma('user_version', { simple: true }), 0)
  assert.deepEqual(after.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'events'").get(), { n: 0 })
})

test('a path where no directory can be created gives HALL_ERR_STORE_OPEN naming the file', (t) => {
  const dir = tempDir(t)
  fs.writeFileSync(path.join(dir, 'plain-file'), '')
  // a regular file in the way fails even for root, unlike a read-only directory
  const file = path.join(dir, 'plain-file', 'sub', 'hall.db')
  assert.throws(() => openStore(file), (err) => {
    assert.ok(isHallError(err, 'HALL_ERR_STORE_OPEN'))
    assert.ok(err.message.includes(file))
    assert.ok(err.cause instanceof Error)
    return true
  })
})

test('a file that is not SQLite gives HALL_ERR_STORE_OPEN', (t) => {
  const file = path.join(tempDir(t), 'hall.db')
  fs.writeFileSync(file, 'this is not a database, just some text that is long enough to have a header'.repeat(10))
  assert.throws(() => openStore(file), (err) => isHallError(err, 'HALL_ERR_STORE_OPEN') && err.message.includes(file))
})
