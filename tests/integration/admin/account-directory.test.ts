import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test, { type TestContext } from 'node:test'
import { createAccountDirectory } from '../../../service/src/http/admin/account-directory.js'
import { createHashGate } from '../../../service/src/http/admin/hash-gate.js'
import { createSessionCache } from '../../../service/src/http/admin/session-cache.js'
import { openHallStore } from '../../../service/src/store/index.js'
import { hashPasswordSync, verifyPassword } from '../../../service/src/store/password-hash.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

// The real directory over a real SQLite file and the real scrypt: a change is done when its
// promise resolves, and a hash the gate refuses reaches the caller instead of a log line only.

const OLD = 'correct horse battery staple'
const NEW = 'a brand new passphrase'
const silent = { error () {} }

function setUp (t: TestContext, maxWaitingHashes: number) {
  const dir = mkdtempSync(join(tmpdir(), 'hall-directory-'))
  const store = openHallStore(join(dir, 'hall.db'))
  const clock = createFakeClock()
  const sessions = createSessionCache({ sessions: store.sessions, pendingWrites: () => store.writes.size(), clock })
  t.after(() => { sessions.stop(); store.close(); rmSync(dir, { recursive: true, force: true }) })
  store.accounts.add({ name: 'alice', role: 'admin', passwordHash: hashPasswordSync(OLD), now: clock.now() })
  const alice = store.accounts.find('alice')!
  const directory = createAccountDirectory({ accounts: store.accounts, sessions, gate: createHashGate(maxWaitingHashes), clock, log: silent })
  const session = sessions.open({ id: alice.id, name: 'alice', role: 'admin' }, '127.0.0.1', 'admin')
  return { store, sessions, directory, session }
}

test('a hash the gate refuses rejects add and setPassword: no account made, the old password and its sessions kept', async (t) => {
  const { store, sessions, directory, session } = setUp(t, 0)
  await assert.rejects(directory.add('bob', 'viewer', NEW), { code: 'HALL_ERR_ADMIN_LOGIN_LOCKED' })
  assert.equal(store.accounts.find('bob'), null)
  assert.deepEqual(directory.list().map(a => a.name), ['alice'], 'no longer listed as being made')
  await assert.rejects(directory.setPassword('alice', NEW, null), { code: 'HALL_ERR_ADMIN_LOGIN_LOCKED' })
  assert.equal(await verifyPassword(OLD, store.accounts.find('alice')!.passwordHash), true, 'the old password still works')
  assert.notEqual(sessions.check(session.id, 'admin'), null, 'nothing changed, so no session ended')
})

test('add and setPassword resolve once the hash is written; the new password has ended the other sessions', async (t) => {
  const { store, sessions, directory, session } = setUp(t, 16)
  await directory.add('bob', 'viewer', NEW)
  assert.equal(await verifyPassword(NEW, store.accounts.find('bob')?.passwordHash ?? null), true)
  await assert.rejects(directory.add('bob', 'viewer', NEW), { code: 'HALL_ERR_ACCOUNT_NAME_TAKEN' })
  await directory.setPassword('alice', NEW, null)
  assert.equal(await verifyPassword(NEW, store.accounts.find('alice')!.passwordHash), true)
  assert.equal(await verifyPassword(OLD, store.accounts.find('alice')!.passwordHash), false)
  assert.equal(sessions.check(session.id, 'admin'), null)
})
