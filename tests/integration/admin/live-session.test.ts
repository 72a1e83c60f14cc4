import assert from 'node:assert/strict'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { test, type TestContext } from 'node:test'
import { MAX_STREAMS_PER_SESSION } from '../../../service/src/http/admin/live.js'
import type { Service } from '../../../service/src/main.js'
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock.js'
import { addAccount, ask, csrfOf, login, startAdmin } from './admin-rig.js'

// The overview's live stream belongs to the session that opened it: once that session ends
// (logout, idle expiry) the stream is closed within a refresh (1 s) and sends no more cards.

const MINUTE = 60_000

interface Stream { res: IncomingMessage, ended: Promise<void>, text: () => string }

/** Opens /admin/api/stream with `cookie`; resolves once the first `cards` event arrived. */
async function openStream (t: TestContext, hall: Service, cookie: string): Promise<Stream> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(`${hall.url}/admin/api/stream`, { headers: { cookie } }, resolve)
    req.on('error', reject)
    req.end()
  })
  t.after(() => res.destroy())
  let text = ''
  res.setEncoding('utf8')
  const ended = new Promise<void>(resolve => { res.once('end', resolve); res.once('close', resolve) })
  if (res.statusCode === 200) {
    await new Promise<void>(resolve => {
      res.on('data', (chunk: string) => { text += chunk; if (text.includes('event: cards')) resolve() })
    })
  } else {
    res.on('data', (chunk: string) => { text += chunk })
  }
  return { res, ended, text: () => text }
}

/** Advances the fake clock a second at a time until the stream ends; fails past `maxMs` of fake time. */
async function endsWithin (clock: FakeClock, stream: Stream, maxMs: number): Promise<number> {
  const state = { done: false }
  void stream.ended.then(() => { state.done = true })
  for (let spent = 0; spent <= maxMs; spent += 1000) {
    // real I/O between steps: the close travels through the loopback socket
    for (let i = 0; i < 20 && !state.done; i++) await new Promise(resolve => setTimeout(resolve, 5))
    if (state.done) return spent
    clock.advance(1000)
  }
  assert.fail(`the stream was still open ${maxMs} ms after its session ended`)
}

test('logout closes the streams that session opened, within a refresh; another session\'s stream stays open', async (t) => {
  const clock = createFakeClock()
  const { hall } = await startAdmin(t, { clock })
  addAccount(hall, 'alice')
  addAccount(hall, 'bob')
  const alice = await login(hall, 'alice')
  const bob = await login(hall, 'bob')
  const aliceStream = await openStream(t, hall, alice)
  const bobStream = await openStream(t, hall, bob)
  const page = await ask(hall, '/admin/', { cookie: alice })
  assert.equal((await ask(hall, '/admin/logout', { cookie: alice, form: { _csrf: csrfOf(page) } })).status, 303)
  assert.ok(await endsWithin(clock, aliceStream, 2000) <= 2000)
  assert.equal(bobStream.res.readableEnded, false, 'bob is still logged in')
  assert.equal(bobStream.res.destroyed, false)
  // reconnecting with the ended session gets no stream
  assert.notEqual((await ask(hall, '/admin/api/stream', { cookie: alice })).status, 200)
})

test('a session that expires while only its stream is open: the stream is no activity, and it closes with the session', async (t) => {
  const clock = createFakeClock()
  const { hall } = await startAdmin(t, { clock })
  addAccount(hall, 'alice')
  const alice = await login(hall, 'alice')
  const stream = await openStream(t, hall, alice)
  clock.advance(29 * MINUTE)
  // stepped a second at a time from 29 min: open through the 30th minute, closed within a refresh of it
  const spent = await endsWithin(clock, stream, 2 * MINUTE)
  assert.ok(spent >= MINUTE && spent <= MINUTE + 2000, `closed ${spent} ms after the 29th minute`)
})

test(`one session opens at most ${MAX_STREAMS_PER_SESSION} streams; the next is told to poll, another session still gets one`, async (t) => {
  const { hall } = await startAdmin(t)
  addAccount(hall, 'alice')
  addAccount(hall, 'bob')
  const alice = await login(hall, 'alice')
  for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) assert.equal((await openStream(t, hall, alice)).res.statusCode, 200)
  const refused = await openStream(t, hall, alice)
  assert.equal(refused.res.statusCode, 503)
  await refused.ended
  assert.match(refused.text(), /HALL_ERR_HTTP_TOO_MANY_STREAMS/)
  assert.equal((await openStream(t, hall, await login(hall, 'bob'))).res.statusCode, 200)
})
