import test, { type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { isHallError } from '../../../service/src/errors.js'
import { phases } from '../../../service/src/lifecycle/states.js'
import { shutdownOutcomes, shutdownTriggers, wakeMethods, wakeOutcomes, wakeTriggers } from '../../../service/src/ports/power-records.js'
import { openStore } from '../../../service/src/store/db.js'
import { latestVersion, migrations } from '../../../service/src/store/migrations.js'
import { createWakes } from '../../../service/src/store/wakes.js'

const t0 = 1_700_000_000_000

function tempFile (t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-migrate-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return path.join(dir, 'hall.db')
}

/** A database as Hall at schema version `version` left it: its migrations only, foreign keys on. */
function databaseAtVersion (t: TestContext, version: number): Database.Database {
  const db = new Database(tempFile(t))
  t.after(() => { if (db.open) db.close() })
  db.pragma('foreign_keys = ON')
  for (const m of migrations.filter(m => m.version <= version)) {
    db.exec(m.up)
    db.pragma(`user_version = ${m.version}`)
  }
  return db
}

/** A version-2 database with history in every table migration 3 rebuilds. */
function version2WithRows (t: TestContext): Database.Database {
  const db = databaseAtVersion(t, 2)
  const wake = db.prepare(`INSERT INTO wakes (server, trigger, method, requested_at, send_started_at, sent_at, packets_sent, exit_code, stderr,
    alive_at, running_at, finished_at, outcome, error_code, error_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  wake.run('lab', 'request', 'udp', t0, t0 + 1, t0 + 2, 3, null, null, t0 + 10, t0 + 20, t0 + 20, 'running', null, null)
  wake.run('erp', 'watchdog', 'ssh', t0 + 100, t0 + 101, t0 + 102, 0, 127, 'wakeonlan: not found', null, null, t0 + 103, 'failed', 'HALL_ERR_SSH_EXIT_STATUS', 'exit 127')
  wake.run('lab', 'api', 'udp', t0 + 200, null, null, null, null, null, null, null, null, 'pending', null, null)
  wake.run('lab', 'schedule', 'udp', t0 + 300, null, null, null, null, null, null, null, t0 + 301, 'cancelled', null, null)
  // the newest wake was pruned: its id must not be handed out again
  db.prepare('DELETE FROM wakes WHERE id = 4').run()
  const shutdown = db.prepare(`INSERT INTO shutdowns (server, trigger, requested_at, send_started_at, sent_at, exit_code, stderr, off_at, finished_at,
    outcome, error_code, error_message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  shutdown.run('lab', 'idle', t0 + 400, t0 + 401, t0 + 402, 0, '', t0 + 500, t0 + 500, 'off', null, null)
  shutdown.run('lab', 'api', t0 + 600, t0 + 601, null, null, null, null, null, 'pending', null, null)
  const state = db.prepare(`INSERT INTO server_state (server, phase, since, wake_id, last_activity_at, updated_at, idle_from, shutdown_id,
    pending_wake, retry_not_before, auto_wake_not_before, shutdown_suspended) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  state.run('lab', 'SHUTDOWN', t0 + 601, 3, t0 + 250, t0 + 602, t0 + 250, 2, 'request', t0 + 700, null, 0)
  state.run('erp', 'OFFLINE', t0 + 103, 2, null, t0 + 103, null, null, null, null, t0 + 9000, 1)
  return db
}

/** Every row of the rebuilt tables, column by column, in id order. */
function rows (db: Database.Database): Record<string, unknown[]> {
  return Object.fromEntries(['wakes', 'shutdowns', 'server_state'].map(table => [table, db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()]))
}

function indexes (db: Database.Database): string[] {
  return db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all().map(r => r.name)
}

function migrateFile (t: TestContext, db: Database.Database): Database.Database {
  db.close()
  const migrated = openStore(db.name)
  t.after(() => { if (migrated.open) migrated.close() })
  return migrated
}

test('migration 3 keeps every row, index and id of a version-2 database', (t) => {
  const before = version2WithRows(t)
  const expected = rows(before)
  const expectedIndexes = indexes(before)
  const db = migrateFile(t, before)

  assert.equal(db.pragma('user_version', { simple: true }), latestVersion)
  // migration 4 adds requested_by to wakes and shutdowns: null for every row made before it
  const withRequestedBy = (list: unknown[]): unknown[] => list.map(r => ({ ...(r as object), requested_by: null }))
  assert.deepEqual(rows(db), { ...expected, wakes: withRequestedBy(expected.wakes!), shutdowns: withRequestedBy(expected.shutdowns!) })
  // migration 4 adds the sessions' index, migration 5 the event log's by kind and by level, migration 6 the uptime runs'
  assert.deepEqual(indexes(db), [...expectedIndexes, 'sessions_user_id', 'events_kind_at', 'events_level_at', 'uptime_last_seen_at', 'project_certificates_project_id', 'project_members_user_id', 'project_operations_project', 'projects_server_port'].sort())
  assert.deepEqual(db.pragma('foreign_key_check'), [])
  // AUTOINCREMENT still remembers the pruned wake 4
  const next = createWakes(db).begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: t0 + 800 })
  assert.equal(next, 5)
  // and server_state still lets go of a pruned wake instead of blocking the prune
  db.prepare('DELETE FROM wakes WHERE id = 3').run()
  assert.equal(db.prepare<[], { wakeId: number | null }>("SELECT wake_id AS wakeId FROM server_state WHERE server = 'lab'").get()?.wakeId, null)
})

test('after migration 3, each checked column takes every value the code knows and refuses any other', (t) => {
  const db = migrateFile(t, databaseAtVersion(t, 2))
  const cases = [
    { column: 'wakes.trigger', known: wakeTriggers, insert: (v: string) => db.prepare("INSERT INTO wakes (server, trigger, method, requested_at) VALUES ('lab', ?, 'udp', 1)").run(v) },
    { column: 'wakes.method', known: wakeMethods, insert: (v: string) => db.prepare("INSERT INTO wakes (server, trigger, method, requested_at) VALUES ('lab', 'api', ?, 1)").run(v) },
    { column: 'wakes.outcome', known: wakeOutcomes, insert: (v: string) => db.prepare("INSERT INTO wakes (server, trigger, method, requested_at, outcome) VALUES ('lab', 'api', 'udp', 1, ?)").run(v) },
    { column: 'shutdowns.trigger', known: shutdownTriggers, insert: (v: string) => db.prepare("INSERT INTO shutdowns (server, trigger, requested_at) VALUES ('lab', ?, 1)").run(v) },
    { column: 'shutdowns.outcome', known: shutdownOutcomes, insert: (v: string) => db.prepare("INSERT INTO shutdowns (server, trigger, requested_at, outcome) VALUES ('lab', 'idle', 1, ?)").run(v) },
    { column: 'server_state.phase', known: phases, insert: (v: string) => db.prepare('INSERT OR REPLACE INTO server_state (server, phase, since, updated_at) VALUES (\'lab\', ?, 1, 1)').run(v) },
    { column: 'server_state.pending_wake', known: wakeTriggers, insert: (v: string) => db.prepare("INSERT OR REPLACE INTO server_state (server, phase, since, updated_at, pending_wake) VALUES ('lab', 'OFFLINE', 1, 1, ?)").run(v) }
  ]
  for (const c of cases) {
    for (const value of c.known) assert.doesNotThrow(() => c.insert(value), `${c.column} takes "${value}"`)
    assert.throws(() => c.insert('bogus'), /CHECK constraint failed/, `${c.column} refuses "bogus"`)
  }
})

test('migration 3 reads a server_state value it does not know as what a restart makes of it: UNKNOWN, no held wake', (t) => {
  const before = databaseAtVersion(t, 2)
  before.prepare("INSERT INTO server_state (server, phase, since, updated_at, pending_wake) VALUES ('lab', 'ASLEEP', 1, 1, 'cron')").run()
  const db = migrateFile(t, before)
  assert.deepEqual(db.prepare('SELECT server, phase, pending_wake AS pendingWake FROM server_state').all(), [{ server: 'lab', phase: 'UNKNOWN', pendingWake: null }])
})

test('a version-2 wake with a trigger Hall never wrote stops migration 3, which names the column and changes nothing', (t) => {
  const before = databaseAtVersion(t, 2)
  before.prepare("INSERT INTO wakes (server, trigger, method, requested_at) VALUES ('lab', 'cron', 'udp', 1)").run()
  before.close()
  assert.throws(() => openStore(before.name), (err) => {
    assert.ok(isHallError(err, 'HALL_ERR_STORE_MIGRATION'))
    assert.match(err.message, /migration 3 .*failed: CHECK constraint failed: wake_trigger/)
    return true
  })
  const after = new Database(before.name, { readonly: true })
  t.after(() => after.close())
  assert.equal(after.pragma('user_version', { simple: true }), 2)
  assert.deepEqual(after.prepare('SELECT trigger FROM wakes').all(), [{ trigger: 'cron' }])
})
