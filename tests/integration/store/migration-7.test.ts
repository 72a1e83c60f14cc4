import test, { type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { openStore } from '../../../service/src/store/db.js'
import { migrations } from '../../../service/src/store/migrations.js'
import { accountRoles } from '../../../service/src/store/accounts.js'
import { sessionScopes } from '../../../service/src/store/sessions.js'
import { accessModes, projectStatuses } from '../../../service/src/projects/types.js'

const t0 = 1_700_000_000_000

function tempFile (t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-migrate7-'))
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
  return path.join(dir, 'hall.db')
}

/** A version-6 database with accounts and their sessions, one account removed (its id must stay used). */
function version6WithAccounts (file: string): void {
  const db = new Database(file)
  db.pragma('foreign_keys = ON')
  for (const m of migrations.filter(m => m.version <= 6)) {
    db.exec(m.up)
    db.pragma(`user_version = ${m.version}`)
  }
  const user = db.prepare('INSERT INTO users (name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)')
  user.run('alice', 'admin', 'scrypt$a', t0, t0)
  user.run('bob', 'viewer', 'scrypt$b', t0 + 1, t0 + 1)
  user.run('gone', 'viewer', 'scrypt$c', t0 + 2, t0 + 2)
  db.prepare("DELETE FROM users WHERE name = 'gone'").run()
  db.prepare('INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, address) VALUES (?, ?, ?, ?, ?)').run('h1', 1, t0, t0 + 5, '192.168.1.9')
  db.close()
}

test('migration 7 keeps every account, session and account id, and reads old sessions as admin sessions', (t) => {
  const file = tempFile(t)
  version6WithAccounts(file)
  const db = openStore(file)
  t.after(() => db.close())
  assert.deepEqual(db.prepare('SELECT id, name, role, password_hash AS hash FROM users ORDER BY id').all(),
    [{ id: 1, name: 'alice', role: 'admin', hash: 'scrypt$a' }, { id: 2, name: 'bob', role: 'viewer', hash: 'scrypt$b' }])
  assert.deepEqual(db.prepare('SELECT id_hash AS idHash, user_id AS userId, last_seen_at AS seen, address, scope FROM sessions').all(),
    [{ idHash: 'h1', userId: 1, seen: t0 + 5, address: '192.168.1.9', scope: 'admin' }])
  // AUTOINCREMENT still remembers the removed account: a new one never takes its id (and its old sessions)
  const id = db.prepare('INSERT INTO users (name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)').run('carol', 'client', 'x', t0, t0).lastInsertRowid
  assert.equal(id, 4)
  // the cascade still holds after the rebuild: removing an account ends its sessions
  db.prepare("DELETE FROM users WHERE name = 'alice'").run()
  assert.equal(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions').get()!.n, 0)
})

test('after migration 7, each checked column takes every value the code knows and refuses any other', (t) => {
  const db = openStore(tempFile(t))
  t.after(() => db.close())
  const user = db.prepare('INSERT INTO users (name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)')
  for (const role of accountRoles) user.run(`u-${role}`, role, 'x', t0, t0)
  assert.throws(() => user.run('u-root', 'root', 'x', t0, t0), /CHECK constraint failed: user_role/)
  const session = db.prepare('INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, address, scope) VALUES (?, 1, 0, 0, ?, ?)')
  for (const scope of sessionScopes) session.run(`s-${scope}`, '::1', scope)
  assert.throws(() => session.run('s-x', '::1', 'everything'), /CHECK constraint failed: session_scope/)

  const project = db.prepare(`INSERT INTO projects (name, client, host, server, port, container_port, image, cpu, memory_mib, disk_gib, access, status,
    created_at, created_by, updated_at, updated_by) VALUES (?, 'ACME', ?, 'testing', ?, 80, 'nginx', 1, 512, 5, ?, ?, 0, 'a', 0, 'a')`)
  let port = 10_000
  for (const access of accessModes) for (const status of projectStatuses) project.run(`p${port}`, `p${port}.example.com`, port++, access, status)
  assert.throws(() => project.run('px', 'px.example.com', port++, 'open', 'ready'), /CHECK constraint failed: project_access/)
  assert.throws(() => project.run('py', 'py.example.com', port++, 'public', 'done'), /CHECK constraint failed: project_status/)
  // two pods cannot publish one port of a server, and a host is one project's
  assert.throws(() => project.run('pz', 'pz.example.com', 10_000, 'public', 'ready'), /UNIQUE constraint failed: projects.server, projects.port/)
  assert.throws(() => project.run('pw', 'P10000.example.com', port++, 'public', 'ready'), /UNIQUE constraint failed: projects.host/)
})
