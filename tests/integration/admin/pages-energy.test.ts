import assert from 'node:assert/strict'
import test from 'node:test'
import { ADMIN, browser, pagesRig, VIEWER } from './pages-harness.js'
import { assertClose } from '../../helpers/assert-close.js'

// The Energy page over the real store: the uptime the fleet recorded, and the wake the test made.

test('the Energy page shows the hours, kWh and wake of a server woken an hour ago, as tables and as chart data', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/')
  await admin.post('/admin/servers/lab/wake', { confirm: 'yes' })
  await rig.advance(5000)
  assert.equal(rig.fleet.supervisor('lab')?.state().phase, 'RUNNING')
  await rig.advance(3_600_000, 60_000)

  const page = await browser(rig.app, VIEWER).get('/admin/energy?period=today')
  assert.equal(page.status, 200)
  assert.match(page.body, /<h1>Energy and availability<\/h1>/)
  assert.match(page.body, /<a href="\/admin\/energy" aria-current="page">Energy<\/a>/)
  // Hall has run since 08:00 (the fake clock's start): the eight hours before are UNKNOWN. Within
  // the hour lab woke, went idle, and was shut down after its 20 idle minutes
  const row = /<tr><th scope="row">lab<\/th><td>On demand<\/td>((?:<td>[^<]*<\/td>)+)<\/tr>/.exec(page.body)
  assert.ok(row !== null, 'lab has its row')
  const [up, transit, off, unknown, used, alwaysOn] = [...row[1]!.matchAll(/<td>([^<]*)<\/td>/g)].map(m => Number(m[1]))
  assert.equal(unknown, 8)
  assertClose(up! + transit! + off!, 1, 'the hour Hall has known, all of it', 0.02)
  assert.ok(up! > 0.3 && up! < 0.4, `up a little over 20 min: ${up}`)
  // what the hours say at 100 W up and 2 W off, to the table's rounding
  assertClose(used!, (up! + transit!) * 0.1 + off! * 0.002, 'lab kWh used', 0.05)
  assertClose(alwaysOn!, 0.1, 'an hour at 100 W', 0.01)
  assert.match(page.body, /<tr><th scope="row">lab<\/th><td>—<\/td><td>1 \/ 0<\/td>/, 'one wake, that worked; on_demand has no availability figure')
  assert.match(page.body, /No power configured, hours only: always, office\./)
  const data = JSON.parse(/id="hall-energy">(.*?)<\/script>/.exec(page.body)![1]!)
  assert.deepEqual(data.days, ['2026-11-26'])
  assert.deepEqual(data.servers.map((s: { name: string }) => s.name), ['lab'])
  // the chart's one day is the table's period
  assertClose(data.servers[0].used[0], used!, 'chart used', 0.05)
  assertClose(data.servers[0].used[0] + data.servers[0].saved[0], alwaysOn!, 'used + saved = always on', 0.01)
})

test('the Energy page speaks French, and refuses a period it does not offer', async (t) => {
  const rig = await pagesRig(t)
  const page = await browser(rig.app, ADMIN).get('/admin/energy?period=30d', { 'accept-language': 'fr' })
  assert.equal(page.status, 200)
  assert.match(page.body, /<h1>Énergie et disponibilité<\/h1>/)
  assert.match(page.body, /<strong aria-current="true">30 jours<\/strong>/)
  assert.equal((await browser(rig.app, ADMIN).get('/admin/energy?period=1y')).status, 400)
})
