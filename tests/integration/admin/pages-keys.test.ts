import assert from 'node:assert/strict'
import test from 'node:test'
import { ADMIN, browser, pagesRig, VIEWER } from './pages-harness.js'

// API keys from the admin: the same store as `hall apikey`, so a key made here opens the API.

test('an admin makes a key: shown once, it verifies, the list shows its prefix and scope, the event log never holds it', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/keys')
  const made = await admin.post('/admin/keys', { name: 'uptime', servers: 'lab, office', action_wake: 'yes' })
  assert.equal(made.status, 200)
  const key = /id="hall-new-key" class="secret" readonly value="(hall_[0-9a-f]{8}_[A-Za-z0-9_-]{43})"/.exec(made.body)?.[1]
  assert.ok(key !== undefined, 'the key is on the page')
  const verdict = rig.store.apiKeys.verify(key)
  assert.equal(verdict.ok, true)
  assert.deepEqual(verdict.ok && [verdict.key.servers, verdict.key.actions], [['lab', 'office'], ['wake']])
  const list = await admin.get('/admin/keys')
  assert.doesNotMatch(list.body, new RegExp(key.slice(14)), 'never shown again')
  assert.match(list.body, /<td>lab, office<\/td><td>wake<\/td>/)
  assert.equal(rig.audits.at(-1)?.kind, 'api-key-created')
  assert.doesNotMatch(JSON.stringify(rig.audits) + JSON.stringify(rig.store.events.recent(50)), new RegExp(key.slice(14)))
})

test('both boxes ticked, or none, is every action; a taken name or a bad server list comes back with the reason', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/keys')
  assert.equal((await admin.post('/admin/keys', { name: 'all', action_wake: 'yes', action_shutdown: 'yes' })).status, 200)
  assert.equal((await admin.post('/admin/keys', { name: 'none' })).status, 200)
  assert.deepEqual(rig.store.apiKeys.list().map(k => [k.name, k.servers, k.actions]), [['all', null, null], ['none', null, null]])
  const taken = await admin.post('/admin/keys', { name: 'all' })
  assert.equal(taken.status, 409)
  assert.match(taken.body, /A key of that name exists already/)
  const bad = await admin.post('/admin/keys', { name: 'x', servers: 'lab, no way' })
  assert.equal(bad.status, 400)
  assert.match(bad.body, /The server list is not valid/)
  assert.match(bad.body, /value="lab, no way"/, 'the form keeps what was typed')
  const badName = await admin.post('/admin/keys', { name: '-dash' })
  assert.equal(badName.status, 400)
  assert.equal(rig.store.apiKeys.list().length, 2)
})

test('revoke: asked first without JavaScript, then done, said on the list, and the key stops working', async (t) => {
  const rig = await pagesRig(t)
  const { key } = rig.store.apiKeys.create({ name: 'ci', servers: null, actions: null, now: rig.clock.now() })
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/keys')
  const ask = await admin.post('/admin/keys/ci/revoke')
  assert.equal(ask.status, 200)
  assert.match(ask.body, /Revoke the key ci\? Clients using it will be refused\./)
  assert.equal(rig.store.apiKeys.verify(key).ok, true)
  const done = await admin.post('/admin/keys/ci/revoke', { confirm: 'yes' })
  assert.equal(done.status, 303)
  assert.equal(done.headers.location, '/admin/keys?revoked=ci')
  assert.deepEqual(rig.store.apiKeys.verify(key), { ok: false, refusal: { reason: 'revoked', prefix: key.slice(5, 13), database: rig.store.db.name } })
  assert.match((await admin.get('/admin/keys?revoked=ci')).body, /<p class="notice" role="status">Key ci revoked\.<\/p>/)
  assert.doesNotMatch((await admin.get('/admin/keys?revoked=other')).body, /class="notice"/, 'only said of a revoked key')
  assert.equal(rig.audits.at(-1)?.kind, 'api-key-revoked')
  assert.equal((await admin.post('/admin/keys/nope/revoke', { confirm: 'yes' })).status, 404)
})

test('a viewer sees the keys and may change none of them', async (t) => {
  const rig = await pagesRig(t)
  rig.store.apiKeys.create({ name: 'ci', servers: null, actions: null, now: rig.clock.now() })
  const viewer = browser(rig.app, VIEWER)
  const page = await viewer.get('/admin/keys')
  assert.equal(page.status, 200)
  assert.match(page.body, /<th scope="row">ci<\/th>/)
  assert.equal((await viewer.post('/admin/keys', { name: 'mine' })).status, 403)
  assert.equal((await viewer.post('/admin/keys/ci/revoke', { confirm: 'yes' })).status, 403)
  assert.deepEqual(rig.store.apiKeys.list().map(k => [k.name, k.revokedAt]), [['ci', null]])
})
