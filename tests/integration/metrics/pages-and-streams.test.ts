import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DOMAIN, startAsleep } from '../../helpers/hall-in-process.js'
import { valueOf } from './exposition.js'

test('waiting-page views are counted per served domain, and open event streams as a gauge', async (t) => {
  const { hall } = await startAsleep(t)
  const metric = async (name: string, labels: Record<string, string> = {}): Promise<number | undefined> =>
    valueOf(await (await fetch(`${hall.url}/metrics`)).text(), name, labels)

  for (const path of [`/waiting/${DOMAIN}`, `/waiting/${DOMAIN.toUpperCase()}`, '/waiting/unknown.hall.test']) {
    await (await fetch(`${hall.url}${path}`)).arrayBuffer()
  }
  assert.equal(await metric('hall_waiting_page_views_total', { domain: DOMAIN }), 2)
  assert.equal(await metric('hall_waiting_page_views_total', { domain: 'unknown.hall.test' }), undefined, 'a 404 names no domain')

  assert.equal(await metric('hall_event_stream_clients'), 0)
  const streams = [new AbortController(), new AbortController()]
  for (const s of streams) {
    const res = await fetch(`${hall.url}/api/events/${DOMAIN}`, { signal: s.signal })
    assert.equal(res.status, 200)
  }
  await (await fetch(`${hall.url}/api/events/unknown.hall.test`)).arrayBuffer() // 404: no client
  assert.equal(await metric('hall_event_stream_clients'), 2)
  for (const s of streams) s.abort()
  // the gauge follows the sockets' close: wait for it rather than sleep
  const end = Date.now() + 5000
  let open = await metric('hall_event_stream_clients')
  while (open !== 0 && Date.now() < end) {
    await new Promise(resolve => setTimeout(resolve, 20))
    open = await metric('hall_event_stream_clients')
  }
  assert.equal(open, 0)
})
