import assert from 'node:assert/strict'
import { before, test } from 'node:test'
import type { Service } from '../../../service/src/main.js'
import type { MagicPacketListener } from '../../helpers/udp-listener.js'
import { ask, csrfOf, signIn, startPortal, type Answer } from './portal-rig.js'

// The portal's projects page and its wake button: what each account sees, from the directory and
// the fleet in memory, and a wake recorded under the account that asked for it.

let hall: Service
let packets: MagicPacketListener
let alice: string
let bob: string
let root: string
before(async (t) => {
  ({ hall, packets } = await startPortal(t as never))
  alice = await signIn(hall, 'alice', { from: '127.0.2.1' })
  bob = await signIn(hall, 'bob', { from: '127.0.2.2' })
  root = await signIn(hall, 'root', { from: '127.0.2.3' })
})

/** The projects listed on a page, by their data-project attribute, in order. */
const listed = (page: Answer): string[] => [...page.body.matchAll(/<li class="service project" id="project-[^"]+" data-project="([^"]+)">/g)].map(m => m[1]!)
const detail = (details: unknown, key: string): unknown => (details as Record<string, unknown> | undefined)?.[key]

test('a client sees only its own projects, each with its client, status, server state, address and a wake button while the server sleeps', async () => {
  const page = await ask(hall, '/projects', { from: '127.0.2.1', cookie: alice })
  assert.equal(page.status, 200)
  assert.equal(page.headers['cache-control'], 'no-store')
  assert.match(String(page.headers['content-security-policy']), /default-src 'none'/)
  assert.deepEqual(listed(page), ['acme'])
  assert.doesNotMatch(page.body, /globex/i)
  assert.match(page.body, /<h1>Your projects<\/h1>/)
  assert.match(page.body, /Signed in as alice/)
  assert.match(page.body, /<span class="project-client">ACME &amp; &lt;Sons&gt;<\/span>/, 'escaped')
  assert.match(page.body, /<a class="project-address" href="http:\/\/acme\.example\.test\/">http:\/\/acme\.example\.test\/<\/a>/, 'HALL_PUBLIC_URL\'s scheme')
  assert.match(page.body, /data-status="ready">Ready</)
  assert.match(page.body, /data-phase="OFFLINE">Asleep</)
  assert.match(page.body, /<form method="post" action="\/projects\/acme\/wake">/)
  assert.match(page.body, /Wake the server of acme/)
})

test('an admin signed in at /login sees every project; without a session /projects sends the browser to /login', async () => {
  const page = await ask(hall, '/projects', { from: '127.0.2.3', cookie: root })
  assert.deepEqual(listed(page), ['acme', 'app', 'globex'])
  assert.match(page.body, /<h1>All projects<\/h1>/)
  const none = await ask(hall, '/projects', { from: '127.0.2.4' })
  assert.equal(none.status, 303)
  assert.equal(none.headers.location, '/login')
  const french = await ask(hall, '/projects', { from: '127.0.2.3', cookie: root, headers: { 'accept-language': 'fr-FR,fr;q=0.9' } })
  assert.match(french.body, /<h1>Tous les projets<\/h1>/)
  assert.match(french.body, /Réveiller le serveur de acme/)
})

test('the wake button wakes the project\'s server once, named after the client who pressed it; another client\'s project is not found', async () => {
  const from = '127.0.2.1'
  const token = csrfOf(await ask(hall, '/projects', { from, cookie: alice }))
  const refused = await ask(hall, '/projects/globex/wake', { from, cookie: alice, form: { _csrf: token } })
  assert.equal(refused.status, 404, 'another client\'s project is answered as if it did not exist')
  assert.equal(JSON.parse(refused.body).error, 'HALL_ERR_PROJECT_UNKNOWN')
  assert.equal(hall.store.events.recent(10).some(e => e.kind.startsWith('portal-wake')), false, 'nothing woken, nothing recorded')

  const woke = await ask(hall, '/projects/acme/wake', { from, cookie: alice, form: { _csrf: token } })
  assert.equal(woke.status, 303)
  assert.equal(woke.headers.location, '/projects?woke=acme&outcome=started#project-acme')
  await packets.waitFor(1, 5000)
  hall.store.writes.flush()
  const event = hall.store.events.recent(10).find(e => e.kind === 'portal-wake')
  assert.equal(detail(event?.details, 'account'), 'alice')
  assert.equal(detail(event?.details, 'project'), 'acme')
  assert.equal(event?.server, 'lab')
  const wakeId = detail(event?.details, 'wakeId') as number
  const row = hall.store.db.prepare('SELECT trigger, requested_by AS requestedBy FROM wakes WHERE id = ?').get(wakeId)
  assert.deepEqual({ ...row as object }, { trigger: 'api', requestedBy: 'alice' })

  const after = await ask(hall, woke.headers.location, { from, cookie: alice })
  assert.match(after.body, /<p class="continue" role="status" id="portal-notice">The server of acme is waking up/)
  const crafted = await ask(hall, '/projects?woke=globex&outcome=started', { from, cookie: alice })
  assert.doesNotMatch(crafted.body, /portal-notice/, 'a notice only about a project this account sees')

  // the same server, asked again by another client: the wake under way, still alice's
  const bobToken = csrfOf(await ask(hall, '/projects', { from: '127.0.2.2', cookie: bob }))
  const again = await ask(hall, '/projects/globex/wake', { from: '127.0.2.2', cookie: bob, form: { _csrf: bobToken } })
  assert.equal(again.headers.location, '/projects?woke=globex&outcome=in-flight#project-globex')
  hall.store.writes.flush()
  assert.deepEqual({ ...hall.store.db.prepare('SELECT requested_by AS requestedBy FROM wakes WHERE id = ?').get(wakeId) as object }, { requestedBy: 'alice' })
  assert.equal(packets.packets.length, 1, 'one wake for both')
})

test('the portal\'s session is the one the gate reads: alice passes acme\'s gate and is refused at globex\'s', async () => {
  const gate = async (host: string, cookie: string): Promise<number> => (await fetch(`${hall.url}/forward-auth`, {
    redirect: 'manual',
    headers: { 'x-forwarded-host': host, 'x-forwarded-proto': 'http', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', cookie }
  })).status
  assert.equal(await gate('globex.example.test', alice), 403)
  assert.equal(await gate('globex.example.test', 'hall_portal=forged'), 401)
  // past the gate: the server is still waking (503 to a script), not refused
  assert.equal(await gate('acme.example.test', alice), 503)
})

test('the portal shares the public pages\' request budget: one address past it gets 429 with Retry-After', async () => {
  const from = '127.0.2.9'
  let answer: Answer | undefined
  // the burst is 60; a bounded number of tries, each a page with no scrypt behind it
  for (let i = 0; i < 100 && answer?.status !== 429; i++) answer = await ask(hall, i % 2 === 0 ? '/login' : '/projects', { from })
  assert.equal(answer?.status, 429)
  assert.ok(Number(answer?.headers['retry-after']) >= 1)
  assert.equal((await ask(hall, '/login', { from: '127.0.2.10' })).status, 200, 'another address is not held back')
})
