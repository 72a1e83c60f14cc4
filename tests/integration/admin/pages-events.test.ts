import assert from 'node:assert/strict'
import test from 'node:test'
import { ADMIN, browser, pagesRig, VIEWER } from './pages-harness.js'

// The event log over the real store: keyset pages, filters, and the tail's JSON.

const MIN = 60_000

test('the event log pages through everything, 50 at a time, newest first, with a link to the older ones', async (t) => {
  const rig = await pagesRig(t)
  const now = rig.clock.now()
  for (let i = 0; i < 70; i++) rig.store.events.record({ at: now - (70 - i) * MIN, level: 'info', server: 'lab', kind: 'note', message: `event ${i}` })
  const viewer = browser(rig.app, VIEWER)
  const first = await viewer.get('/admin/events')
  assert.equal(first.status, 200)
  const ids = (html: string): number[] => [...html.matchAll(/<tr data-event-id="(\d+)"/g)].map(m => Number(m[1]))
  const page1 = ids(first.body)
  assert.equal(page1.length, 50)
  assert.match(first.body, />event 69</)
  const older = /<a href="([^"]+)" rel="next">/.exec(first.body)?.[1]?.replace(/&amp;/g, '&')
  assert.equal(older, `/admin/events?period=all&before=${page1.at(-1)}`)
  const second = await viewer.get(older!)
  const page2 = ids(second.body)
  assert.ok(page2.length >= 20, 'the rest, the start-up events included')
  assert.equal(page1.filter(id => page2.includes(id)).length, 0)
  assert.doesNotMatch(second.body, /events-tail\.js/, 'no live tail on an older page')
  assert.match(second.body, /Newest events/)
})

test('filters by server, kind, level and period; an audit of the admin names its account', async (t) => {
  const rig = await pagesRig(t)
  const now = rig.clock.now()
  rig.store.events.record({ at: now - 3 * 86_400_000, level: 'error', server: 'lab', kind: 'wake-failed', message: 'old failure' })
  rig.store.events.record({ at: now - MIN, level: 'error', server: 'office', kind: 'wake-failed', message: 'fresh failure' })
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/')
  await admin.post('/admin/servers/lab/wake', { confirm: 'yes' })
  const messages = async (query: string): Promise<string[]> =>
    [...(await admin.get(`/admin/events?${query}`)).body.matchAll(/<td><code>([^<]+)<\/code><\/td><td>([^<]+)/g)].map(m => `${m[1]}: ${m[2]}`)
  assert.deepEqual(await messages('kind=wake-failed'), ['wake-failed: fresh failure', 'wake-failed: old failure'])
  assert.deepEqual(await messages('kind=wake-failed&period=24h'), ['wake-failed: fresh failure'])
  assert.deepEqual(await messages('server=lab&level=error'), ['wake-failed: old failure'])
  const wake = await admin.get('/admin/events?server=lab&kind=admin-wake')
  assert.match(wake.body, /alice asked for a wake of lab: started/)
  assert.match(wake.body, /<\/td><td>alice<\/td><\/tr>/)
  assert.equal((await admin.get('/admin/events?level=fatal')).status, 400)
  assert.equal((await admin.get('/admin/events?before=abc')).status, 400)
})

test('the tail: events after an id, oldest first, as the table shows them, with the filters', async (t) => {
  const rig = await pagesRig(t)
  const now = rig.clock.now()
  rig.store.events.record({ at: now, level: 'info', server: 'lab', kind: 'note', message: 'before' })
  const page = await browser(rig.app, VIEWER).get('/admin/events?server=lab')
  const newest = Number(/data-newest-id="(\d+)"/.exec(page.body)?.[1])
  const tailUrl = /data-tail-url="([^"]+)"/.exec(page.body)![1]!.replace(/&amp;/g, '&')
  assert.equal(tailUrl, '/admin/api/log?server=lab&period=all')
  rig.store.events.record({ at: now + 1, level: 'warn', server: 'lab', kind: 'note', message: 'first new' })
  rig.store.events.record({ at: now + 2, level: 'info', server: 'office', kind: 'note', message: 'not this server' })
  rig.store.events.record({ at: now + 3, level: 'info', server: 'lab', kind: 'note', message: '<b>second</b> new' })
  const res = await rig.app.inject({ url: `${tailUrl}&after=${newest}`, headers: { 'x-test-account': VIEWER, 'accept-language': 'fr' } })
  assert.equal(res.statusCode, 200)
  const events = JSON.parse(res.body).events
  assert.deepEqual(events.map((e: { message: string }) => e.message), ['first new', '<b>second</b> new'])
  assert.equal(events[0].level_text, 'avertissement')
  assert.equal(typeof events[0].at_text, 'string')
  assert.equal((await rig.app.inject({ url: '/admin/api/log?period=all', headers: { 'x-test-account': VIEWER } })).statusCode, 400, 'after is required')
})
