import assert from 'node:assert/strict'
import { test } from 'node:test'
import { until } from '../../helpers/hall-in-process.js'
import { addAccount, ask, csrfOf, DOMAIN, login, startAdmin } from './admin-rig.js'

test('a wake asked for in the admin names the account in its wake row and in the event log; the status API does not show it', async (t) => {
  const { hall } = await startAdmin(t)
  await until(() => hall.fleet.lookup(DOMAIN)?.phase === 'OFFLINE')
  addAccount(hall, 'alice')
  const session = await login(hall, 'alice')
  const token = csrfOf(await ask(hall, '/admin/', { cookie: session }))
  const answer = await ask(hall, '/admin/servers/lab/wake', { cookie: session, form: { _csrf: token, confirm: 'yes' } })
  assert.equal(answer.status, 303)

  const wake = hall.store.db.prepare<[], { trigger: string, requestedBy: string | null }>('SELECT trigger, requested_by AS requestedBy FROM wakes ORDER BY id DESC').get()
  assert.deepEqual(wake, { trigger: 'api', requestedBy: 'alice' })
  const event = hall.store.events.recent(10).find(e => e.kind === 'admin-wake')
  assert.equal(event?.server, 'lab')
  assert.deepEqual({ account: (event?.details as { account: string }).account, address: (event?.details as { address: string }).address }, { account: 'alice', address: '127.0.0.1' })

  const status = await ask(hall, `/api/status/${DOMAIN}`)
  assert.equal(status.status, 200)
  assert.equal(status.body.includes('alice'), false, 'who asked stays in the admin')

  // a wake already under way is someone else's: a second request does not put its name on it
  addAccount(hall, 'bob')
  const bob = await login(hall, 'bob')
  const again = await ask(hall, '/admin/servers/lab/wake', { cookie: bob, form: { _csrf: csrfOf(await ask(hall, '/admin/', { cookie: bob })), confirm: 'yes' } })
  assert.equal(again.status, 303)
  assert.match(String(again.headers.location), /outcome=in-flight/)
  assert.deepEqual(hall.store.db.prepare('SELECT requested_by AS requestedBy FROM wakes').all(), [{ requestedBy: 'alice' }])
})
