import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test, { type TestContext } from 'node:test'
import { createSessionCache, hashSessionId, IDLE_TIMEOUT_MS, SEEN_WRITE_EVERY_MS } from '../../../service/src/http/admin/session-cache.js'
import { openHallStore } from '../../../service/src/store/index.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

// check() answers the members projects' gate on the forward-auth path: it must not write to the
// database before it returns. Its writes (the idle time, an expired session's removal) land on
// the next turn of the event loop, which the fake clock runs on advance(0).

function setUp (t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'hall-session-cache-'))
  const store = openHallStore(join(dir, 'hall.db'))
  const clock = createFakeClock()
  const sessions = createSessionCache({ sessions: store.sessions, pendingWrites: () => store.writes.size(), clock })
  t.after(() => { sessions.stop(); store.close(); rmSync(dir, { recursive: true, force: true }) })
  store.accounts.add({ name: 'carol', role: 'client', passwordHash: 'unused', now: clock.now() })
  const carol = store.accounts.find('carol')!
  // half a sweep after the cache started: the session expires between two sweeps (every 60 s),
  // so check() is the one that finds it expired
  clock.advance(30_000)
  const { id } = sessions.open({ id: carol.id, name: 'carol', role: 'client' }, '203.0.113.7', 'portal')
  const row = () => store.db.prepare<[string], { seen: number }>('SELECT last_seen_at AS seen FROM sessions WHERE id_hash = ?').get(hashSessionId(id))
  return { clock, sessions, id, row }
}

test('check() moves the idle time in memory at once and in the table only on the next turn', (t) => {
  const { clock, sessions, id, row } = setUp(t)
  const opened = row()!.seen
  clock.advance(SEEN_WRITE_EVERY_MS + 1000)
  assert.notEqual(sessions.check(id, 'portal'), null)
  assert.equal(row()!.seen, opened, 'nothing written before check() returned')
  clock.advance(0)
  assert.equal(row()!.seen, clock.now())
})

test('an expired session is refused at once and removed from the table on the next turn', (t) => {
  const { clock, sessions, id, row } = setUp(t)
  clock.advance(IDLE_TIMEOUT_MS)
  assert.equal(sessions.check(id, 'portal'), null)
  assert.notEqual(row(), undefined, 'nothing written before check() returned')
  clock.advance(0)
  assert.equal(row(), undefined)
})

test('a session is checked only in its own scope', (t) => {
  const { sessions, id } = setUp(t)
  assert.equal(sessions.check(id, 'admin'), null)
  assert.equal(sessions.check(id, 'portal')?.account.name, 'carol')
})
