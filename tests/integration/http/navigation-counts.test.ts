import assert from 'node:assert/strict'
import test from 'node:test'
import { request } from 'undici'
import { DOMAIN, startAsleep, until } from '../../helpers/hall-in-process.js'

// The waits people had, as the energy report reads them: counted in memory on the forward-auth
// path, written with the per-minute activity by the next flush (about a second later).

const navigation = { 'x-forwarded-host': DOMAIN, 'x-forwarded-uri': '/', 'x-forwarded-proto': 'https', accept: 'text/html' }

test('a browser navigation sent to the waiting page is counted as one that waited; an API call is not a navigation', async (t) => {
  const { hall } = await startAsleep(t)
  const waited = await request(`${hall.url}/forward-auth`, { headers: navigation })
  assert.equal(waited.statusCode, 302)
  await waited.body.dump()
  const api = await request(`${hall.url}/forward-auth`, { headers: { ...navigation, accept: 'application/json' } })
  assert.equal(api.statusCode, 503)
  await api.body.dump()
  const counts = (): { waited: number, passed: number } => hall.store.activity.navigationsBetween(DOMAIN, 0, Date.now() + 60_000)
  await until(() => counts().waited > 0)
  assert.deepEqual(counts(), { waited: 1, passed: 0 })
})

test('a running Hall records its run: one uptime row, from when it started', async (t) => {
  const before = Date.now()
  const { hall } = await startAsleep(t)
  const runs = hall.store.uptime.runsBetween(0, Date.now() + 1)
  assert.equal(runs.length, 1)
  assert.ok(runs[0]!.startedAt >= before && runs[0]!.startedAt <= Date.now())
})
