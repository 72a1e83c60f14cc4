import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Service } from '../../../service/src/main.js'
import { createFakeClock } from '../../helpers/fake-clock.js'
import { until } from '../../helpers/hall-in-process.js'
import { runHall } from '../cli/run-hall.js'
import { addAccount, ask, cookieOf, csrfOf, login, postLogin, startAdmin, PASSWORD } from './admin-rig.js'

const MINUTE = 60_000
const sessionRows = (hall: Service): number => hall.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions').get()!.n

const works = async (hall: Service, cookie: string): Promise<boolean> => {
  const answer = await ask(hall, '/admin/', { cookie })
  if (answer.status !== 200 && answer.status !== 303) throw new Error(`unexpected ${answer.status}`)
  return answer.status === 200
}

test('the session cookie: signed, HttpOnly, SameSite=Strict, kept to /admin over plain http', async (t) => {
  const { hall } = await startAdmin(t)
  addAccount(hall, 'alice')
  const answer = await postLogin(hall, 'alice', PASSWORD)
  const set = answer.cookies.find(c => c.startsWith('hall_session='))!
  assert.match(set, /^hall_session=[A-Za-z0-9_-]{43}\.[A-Za-z0-9+/_-]+; Path=\/admin; HttpOnly; SameSite=Strict$/)
  // only the SHA-256 of the id is stored: a copy of the database opens nothing
  const id = set.slice('hall_session='.length, set.indexOf('.'))
  const stored = hall.store.db.prepare<[], { idHash: string }>('SELECT id_hash AS idHash FROM sessions').all()
  assert.equal(stored.length, 1)
  assert.notEqual(stored[0]!.idHash, id)
  assert.match(stored[0]!.idHash, /^[0-9a-f]{64}$/)
  // a cookie whose signature does not match is no session
  const forged = `hall_session=${id}.${'A'.repeat(43)}`
  assert.equal(await works(hall, forged), false)
})

test('over https the cookie takes the __Host- prefix, Secure and Path=/ (which that prefix requires)', async (t) => {
  const { hall } = await startAdmin(t, { env: { HALL_PUBLIC_URL: 'https://hall.example.test' } })
  addAccount(hall, 'alice')
  const form = await ask(hall, '/admin/login')
  const loginCookie = form.cookies.find(c => c.startsWith('__Host-hall_login='))!
  assert.match(loginCookie, /; Path=\/; HttpOnly; Secure; SameSite=Strict$/)
  const answer = await ask(hall, '/admin/login', { cookie: loginCookie.split(';')[0]!, form: { name: 'alice', password: PASSWORD, _csrf: csrfOf(form) } })
  assert.equal(answer.status, 303)
  const set = answer.cookies.find(c => c.startsWith('__Host-hall_session='))!
  assert.match(set, /; Path=\/; HttpOnly; Secure; SameSite=Strict$/)
  assert.doesNotMatch(set, /Domain=/i)
  assert.match(String(answer.headers['content-security-policy']), /upgrade-insecure-requests/)
  assert.equal((await ask(hall, '/admin/', { cookie: set.split(';')[0]! })).status, 200)
})

test('logout deletes the session: the cookie stops working, and the back button gets no cached page', async (t) => {
  const { hall } = await startAdmin(t)
  addAccount(hall, 'alice')
  const session = await login(hall, 'alice')
  const page = await ask(hall, '/admin/', { cookie: session })
  assert.equal(page.headers['cache-control'], 'no-store')
  const out = await ask(hall, '/admin/logout', { cookie: session, form: { _csrf: csrfOf(page) } })
  assert.equal(out.status, 303)
  assert.equal(out.headers.location, '/admin/login')
  assert.match(out.cookies.join('\n'), /hall_session=; Max-Age=0; Path=\/admin/)
  assert.equal(await works(hall, session), false)
  assert.equal(sessionRows(hall), 0)
  const logout = hall.store.events.recent(5).find(e => e.kind === 'logout')
  assert.deepEqual(logout?.details, { account: 'alice', address: '127.0.0.1' })
})

test('a session ends after 30 min without a request, not before', async (t) => {
  const clock = createFakeClock()
  const { hall } = await startAdmin(t, { clock })
  addAccount(hall, 'alice')
  const session = await login(hall, 'alice')
  clock.advance(29 * MINUTE)
  assert.equal(await works(hall, session), true, '29 min idle: still there, and the idle time starts again')
  clock.advance(29 * MINUTE)
  assert.equal(await works(hall, session), true)
  clock.advance(30 * MINUTE)
  assert.equal(await works(hall, session), false, '30 min idle: ended')
  assert.equal(sessionRows(hall), 0, 'and its row is gone')
})

test('a session ends 8 h after login however busy it is', async (t) => {
  const clock = createFakeClock()
  const { hall } = await startAdmin(t, { clock })
  addAccount(hall, 'alice')
  const session = await login(hall, 'alice')
  for (let spent = 0; spent < 8 * 60 - 20; spent += 20) {
    clock.advance(20 * MINUTE)
    assert.equal(await works(hall, session), true, `${spent + 20} min`)
  }
  clock.advance(20 * MINUTE)
  assert.equal(await works(hall, session), false, '8 h: ended')
})

test('a restart keeps sessions: the generated secret and the sessions live in the database', async (t) => {
  const first = await startAdmin(t)
  addAccount(first.hall, 'alice')
  const session = await login(first.hall, 'alice')
  await first.hall.close()
  const second = await startAdmin(t, { dbFile: first.dbFile })
  assert.equal(await works(second.hall, session), true)
})

test('a new password set with hall user passwd ends the account\'s sessions in the running Hall; others keep theirs', async (t) => {
  const clock = createFakeClock()
  const { hall, dbFile } = await startAdmin(t, { clock })
  addAccount(hall, 'alice')
  addAccount(hall, 'bob')
  const aliceDesk = await login(hall, 'alice')
  const alicePhone = await login(hall, 'alice')
  const bob = await login(hall, 'bob')
  const cli = await runHall(['user', 'passwd', 'alice'], { HALL_DB: dbFile }, 'a brand new passphrase\n')
  assert.equal(cli.code, 0, cli.stderr)
  // the running Hall looks for changes made by another process every 2 s
  clock.advance(2_000)
  assert.equal(await works(hall, aliceDesk), false)
  assert.equal(await works(hall, alicePhone), false)
  assert.equal(await works(hall, bob), true)
  assert.equal((await postLogin(hall, 'alice', PASSWORD)).status, 401, 'the old password is refused')
  assert.equal(cookieOf(await postLogin(hall, 'alice', 'a brand new passphrase'), 'hall_session') !== undefined, true)
})

test('a new password set in the admin ends the account\'s other sessions and keeps the one that set it', async (t) => {
  const { hall } = await startAdmin(t)
  addAccount(hall, 'alice')
  addAccount(hall, 'bob', 'viewer')
  const desk = await login(hall, 'alice')
  const phone = await login(hall, 'alice')
  const bob = await login(hall, 'bob')
  const before = hall.store.accounts.find('alice')!.passwordChangedAt
  const token = csrfOf(await ask(hall, '/admin/accounts', { cookie: desk }))
  const own = await ask(hall, '/admin/accounts/alice/password', { cookie: desk, form: { _csrf: token, password: 'a brand new passphrase' } })
  assert.equal(own.status, 303)
  assert.equal(await works(hall, desk), true, 'the session that changed it stays')
  assert.equal(await works(hall, phone), false, 'the other one ends')
  await until(() => hall.store.accounts.find('alice')!.passwordChangedAt !== before)
  assert.equal(cookieOf(await postLogin(hall, 'alice', 'a brand new passphrase'), 'hall_session') !== undefined, true)
  assert.equal(await works(hall, desk), true, 'still there once the new hash is written')
  assert.equal(sessionRows(hall), 3, 'desk, bob, and the new login: the phone\'s row is gone')

  // an admin setting someone else's password ends all of that account's sessions
  const other = await ask(hall, '/admin/accounts/bob/password', { cookie: desk, form: { _csrf: token, password: 'another long passphrase' } })
  assert.equal(other.status, 303)
  assert.equal(await works(hall, bob), false)
})

test('hall user remove ends the account\'s sessions in the running Hall', async (t) => {
  const clock = createFakeClock()
  const { hall, dbFile } = await startAdmin(t, { clock })
  addAccount(hall, 'alice')
  addAccount(hall, 'bob')
  const bob = await login(hall, 'bob')
  const cli = await runHall(['user', 'remove', 'bob'], { HALL_DB: dbFile })
  assert.equal(cli.code, 0, cli.stderr)
  clock.advance(2_000)
  assert.equal(await works(hall, bob), false)
})
