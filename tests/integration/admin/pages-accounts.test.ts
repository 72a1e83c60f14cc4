import assert from 'node:assert/strict'
import test from 'node:test'
import { ADMIN, browser, pagesRig, VIEWER } from './pages-harness.js'

// Accounts from the admin, through the directory the auth side passes the pages.

const PASSWORD = 'a long enough secret'

test('admins only: a viewer is refused the page and every change', async (t) => {
  const rig = await pagesRig(t)
  const viewer = browser(rig.app, VIEWER)
  await viewer.get('/admin/')
  const page = await viewer.get('/admin/accounts')
  assert.equal(page.status, 403)
  assert.equal(JSON.parse(page.body).error, 'HALL_ERR_ADMIN_FORBIDDEN')
  assert.equal((await viewer.post('/admin/accounts', { name: 'eve', role: 'admin', password: PASSWORD })).status, 403)
  assert.equal((await viewer.post('/admin/accounts/alice/remove', { confirm: 'yes' })).status, 403)
  assert.equal((await viewer.post('/admin/accounts/victor/password', { password: PASSWORD })).status, 403)
  assert.deepEqual([...rig.accounts.keys()], ['alice', 'victor'])
  assert.equal(rig.accounts.get('victor')?.password, 'viewer password 1')
})

test('add an account: listed with its role, said once, audited without its password', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/accounts')
  const added = await admin.post('/admin/accounts', { name: 'bob', role: 'admin', password: PASSWORD })
  assert.equal(added.status, 303)
  assert.equal(added.headers.location, '/admin/accounts?added=bob')
  assert.equal(rig.accounts.get('bob')?.role, 'admin')
  const page = await admin.get('/admin/accounts?added=bob')
  assert.match(page.body, /<p class="notice" role="status">Account bob added\.<\/p>/)
  assert.match(page.body, /<tr data-account="bob"><th scope="row">bob<\/th><td>admin<\/td>/)
  assert.deepEqual(rig.audits.map(a => [a.kind, a.account, a.details.name, a.details.role]), [['account-added', 'alice', 'bob', 'admin']])
  assert.doesNotMatch(JSON.stringify(rig.audits), new RegExp(PASSWORD))
  assert.doesNotMatch((await admin.get('/admin/accounts?added=nobody')).body, /class="notice"/)
})

test('a refused account comes back with the reason and the name, never the password', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/accounts')
  const weak = await admin.post('/admin/accounts', { name: 'bob', role: 'viewer', password: 'short' })
  assert.equal(weak.status, 400)
  assert.match(weak.body, /The password is too short: at least 12 characters\./)
  assert.match(weak.body, /id="account-name" name="name" required maxlength="64" value="bob"/)
  assert.doesNotMatch(weak.body, /value="short"/)
  const taken = await admin.post('/admin/accounts', { name: 'victor', role: 'viewer', password: PASSWORD })
  assert.equal(taken.status, 409)
  assert.match(taken.body, /An account of that name exists already\./)
  assert.deepEqual(rig.audits, [])
})

test('remove: asked first, never oneself, then gone and audited', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/accounts')
  const self = await admin.post('/admin/accounts/alice/remove', { confirm: 'yes' })
  assert.equal(self.status, 409)
  assert.match(self.body, /You cannot remove the account you are signed in with\./)
  const ask = await admin.post('/admin/accounts/victor/remove')
  assert.match(ask.body, /Remove the account victor\? Its sessions end at once\./)
  assert.equal(rig.accounts.has('victor'), true)
  const done = await admin.post('/admin/accounts/victor/remove', { confirm: 'yes' })
  assert.equal(done.status, 303)
  assert.equal(rig.accounts.has('victor'), false)
  assert.match((await admin.get(String(done.headers.location))).body, /Account victor removed\./)
  assert.equal(rig.audits.at(-1)?.kind, 'account-removed')
  assert.equal((await admin.post('/admin/accounts/nobody/remove', { confirm: 'yes' })).status, 404)
})

test('a new password for an account: set, said, audited without it; too short is refused', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/accounts')
  const short = await admin.post('/admin/accounts/victor/password', { password: 'short' })
  assert.equal(short.status, 400)
  assert.equal(rig.accounts.get('victor')?.password, 'viewer password 1')
  const done = await admin.post('/admin/accounts/victor/password', { password: PASSWORD })
  assert.equal(done.status, 303)
  assert.equal(rig.accounts.get('victor')?.password, PASSWORD)
  assert.match((await admin.get(String(done.headers.location))).body, /Password of victor changed; its other sessions have ended\./)
  assert.deepEqual(rig.audits.map(a => a.kind), ['account-password-changed'])
  assert.doesNotMatch(JSON.stringify(rig.audits), new RegExp(PASSWORD))
  assert.equal((await admin.post('/admin/accounts/nobody/password', { password: PASSWORD })).status, 404)
})

test('a change whose password hash is refused is shown as refused, not done, and is not audited', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/accounts')
  rig.hashes.refuse = true
  const added = await admin.post('/admin/accounts', { name: 'bob', role: 'admin', password: PASSWORD })
  assert.equal(added.status, 429)
  assert.match(added.body, /Too many passwords are being checked at once: nothing was changed, try again in a moment\./)
  assert.match(added.body, /value="bob"/, 'the form keeps the name')
  assert.equal(rig.accounts.has('bob'), false)
  const changed = await admin.post('/admin/accounts/victor/password', { password: PASSWORD }, { 'accept-language': 'fr' })
  assert.equal(changed.status, 429)
  assert.match(changed.body, /Trop de mots de passe sont vérifiés en même temps/)
  assert.equal(rig.accounts.get('victor')?.password, 'viewer password 1')
  assert.equal(rig.audits.length, 0)
  rig.hashes.refuse = false
  assert.equal((await admin.post('/admin/accounts/victor/password', { password: PASSWORD })).status, 303)
  assert.deepEqual(rig.audits.map(a => a.kind), ['account-password-changed'])
})
