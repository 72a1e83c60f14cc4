import assert from 'node:assert/strict'
import test from 'node:test'
import { addAccount, PASSWORD } from './admin-rig.js'
import { createProject, startProjectsAdmin, type ProjectsRig } from './pages-projects-rig.js'

// Client accounts and their projects, from the accounts page and from a project's page.

/** Who has the project, as the database says (the pages show what the directory in memory says). */
const members = (rig: ProjectsRig, project: string): string[] =>
  rig.hall.store.projects.members().filter(m => m.project === project).map(m => m.userName)

test('a client account made on the accounts page with its project: listed with it, and on the project\'s page', async (t) => {
  const rig = await startProjectsAdmin(t)
  await createProject(rig)
  await createProject(rig, { name: 'beta', host: 'beta.lan.test', port: '18081', cpu: '0.5' })
  const form = await rig.admin.get('/admin/accounts')
  assert.match(form.body, /<option value="client">client, their projects only<\/option>/)
  assert.match(form.body, /Client: never opens the admin; signs in at the portal, \/login, and sees and reaches only the projects given below\./)
  assert.match(form.body, /<input type="checkbox" name="project_acme" value="yes"> acme<\/label> <label class="check"><input type="checkbox" name="project_beta" value="yes"> beta/)
  const fr = await rig.admin.get('/admin/accounts', { 'accept-language': 'fr' })
  assert.match(fr.body, /<option value="client">client, ses projets seulement<\/option>/)
  assert.match(fr.body, /Client : n’ouvre jamais l’administration/)
  const added = await rig.admin.post('/admin/accounts', { name: 'carol', role: 'client', password: PASSWORD, project_acme: 'yes' })
  assert.equal(added.status, 303)
  assert.equal(added.headers.location, '/admin/accounts?added=carol')
  assert.equal(rig.hall.store.accounts.find('carol')?.role, 'client')
  assert.deepEqual(members(rig, 'acme'), ['carol'])
  assert.deepEqual(members(rig, 'beta'), [])
  const list = await rig.admin.get('/admin/accounts?added=carol')
  assert.match(list.body, /<tr data-account="carol"><th scope="row">carol<\/th><td>client, their projects only<\/td><td><a href="\/admin\/projects\/acme">acme<\/a><\/td>/)
  assert.match(list.body, /<tr data-account="victor"><th scope="row">victor<\/th><td>viewer, read only<\/td><td>—<\/td>/)
  const page = await rig.admin.get('/admin/projects/acme')
  assert.match(page.body, /<li data-member="carol"><span>carol<\/span>/)
})

test('projects go to client accounts only: a viewer with a project is refused and nothing is made', async (t) => {
  const rig = await startProjectsAdmin(t)
  await createProject(rig)
  await rig.admin.get('/admin/accounts')
  const refused = await rig.admin.post('/admin/accounts', { name: 'vera', role: 'viewer', password: PASSWORD, project_acme: 'yes' })
  assert.equal(refused.status, 400)
  assert.match(refused.body, /Not done: Only a client account is given projects/)
  assert.match(refused.body, /<input type="checkbox" name="project_acme" value="yes" checked>/, 'the form keeps the choice')
  assert.equal(rig.hall.store.accounts.find('vera'), null)
})

test('give and take away a project on its page: only client accounts are offered, taking away is asked first', async (t) => {
  const rig = await startProjectsAdmin(t)
  await createProject(rig)
  addAccount(rig.hall, 'dave', 'client')
  const page = await rig.admin.get('/admin/projects/acme')
  assert.match(page.body, /<select id="member-account" name="account"><option value="dave">dave<\/option><\/select>/)
  assert.match(page.body, /No client account has this project yet\./)
  const given = await rig.admin.post('/admin/projects/acme/members', { account: 'dave' })
  assert.equal(given.status, 303)
  assert.equal(given.headers.location, '/admin/projects/acme?member=dave')
  const after = await rig.admin.get('/admin/projects/acme?member=dave')
  assert.match(after.body, /dave now has this project\./)
  assert.match(after.body, /<li data-member="dave">/)
  assert.match(after.body, /Every client account has this project already, or there is none/)
  assert.deepEqual(members(rig, 'acme'), ['dave'])
  const viewer = await rig.admin.post('/admin/projects/acme/members', { account: 'victor' })
  assert.equal(viewer.status, 400)
  assert.match(viewer.body, /Not done: victor is a viewer, not a client account/)
  const nobody = await rig.admin.post('/admin/projects/acme/members', { account: 'nobody' })
  assert.equal(nobody.status, 404)
  const ask = await rig.admin.post('/admin/projects/acme/members/dave/remove')
  assert.equal(ask.status, 200)
  assert.match(ask.body, /Take the project acme away from dave\? That account no longer sees or reaches it\./)
  assert.deepEqual(members(rig, 'acme'), ['dave'])
  const taken = await rig.admin.post('/admin/projects/acme/members/dave/remove', { confirm: 'yes' })
  assert.equal(taken.status, 303)
  assert.match((await rig.admin.get(String(taken.headers.location))).body, /dave no longer has this project\./)
  assert.deepEqual(members(rig, 'acme'), [])
  assert.deepEqual(rig.hall.projects.list().map(p => p.name), ['acme'])
})

test('removing a client account takes its projects away with it', async (t) => {
  const rig = await startProjectsAdmin(t)
  await createProject(rig)
  await rig.admin.get('/admin/accounts')
  assert.equal((await rig.admin.post('/admin/accounts', { name: 'carol', role: 'client', password: PASSWORD, project_acme: 'yes' })).status, 303)
  const removed = await rig.admin.post('/admin/accounts/carol/remove', { confirm: 'yes' })
  assert.equal(removed.status, 303)
  assert.equal(rig.hall.store.accounts.find('carol'), null)
  assert.deepEqual(members(rig, 'acme'), [])
  assert.doesNotMatch((await rig.admin.get('/admin/projects/acme')).body, /data-member="carol"/)
})
