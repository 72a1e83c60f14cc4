import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from 'undici'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { startHall } from '../../helpers/hall-process.js'
import { listenForMagicPackets } from '../../helpers/udp-listener.js'

const DOMAIN = 'app.hall.test'

async function statusOf (url: string): Promise<{ state: string, last_wake: { id: number, outcome: string } | null }> {
  const res = await request(`${url}/api/status/${DOMAIN}`)
  return await res.body.json() as { state: string, last_wake: { id: number, outcome: string } | null }
}

test('kill -9 in the middle of a wake: the restarted Hall resumes it without a second packet', async (t) => {
  const packets = await listenForMagicPackets()
  const config = writeLoopbackConfig({ udpPort: packets.port, httpPort: await freePort(), wakeTimeoutSeconds: 60 })
  t.after(async () => { await packets.close(); config.cleanup() })

  const first = await startHall({ configFile: config.file })
  t.after(() => first.stop())
  const res = await request(`${first.url}/forward-auth`, { headers: { 'x-forwarded-host': DOMAIN, accept: 'text/html' } })
  await res.body.dump()
  assert.equal(res.statusCode, 302)
  await packets.waitFor(3, 3000)
  const before = await statusOf(first.url)
  assert.equal(before.state, 'WAKING')
  first.kill9()

  const second = await startHall({ configFile: config.file, env: { HALL_DB: first.dbFile } })
  t.after(() => second.stop())
  const after = await statusOf(second.url)
  assert.equal(after.state, 'WAKING', 'the wake in progress is resumed')
  assert.equal(after.last_wake?.id, before.last_wake?.id)
  assert.equal(after.last_wake?.outcome, 'pending')

  // requests keep arriving while the server boots: still no second wake
  for (let i = 0; i < 5; i++) {
    const again = await request(`${second.url}/forward-auth`, { headers: { 'x-forwarded-host': DOMAIN, accept: 'text/html' } })
    await again.body.dump()
    assert.equal(again.statusCode, 302)
  }
  await new Promise(resolve => setTimeout(resolve, 1200)) // several fast probe rounds
  assert.equal(packets.packets.length, 3, 'only the first wake\'s packets were ever sent')
})
