import assert from 'node:assert/strict'
import test from 'node:test'
import { browser as harnessBrowser, pagesRig, ADMIN } from './pages-harness.js'
import { createProject, outcome, projectForm, startProjectsAdmin } from './pages-projects-rig.js'

// The client projects' admin pages through the real login, CSRF and headers: list, create, edit
// and remove through the forms, capacity, and what a viewer may not do.

const row = (body: string, name: string): string => {
  const m = new RegExp(`<tr data-project="${name}">.*?</tr>`, 's').exec(body)
  assert.ok(m !== null, `no row for ${name}`)
  return m[0]
}

test('create through the form: provisioning at once, ready on reload, listed with all it is', async (t) => {
  const rig = await startProjectsAdmin(t)
  let release!: () => void
  rig.pods.answer = async () => { await new Promise<void>(resolve => { release = resolve }); return outcome(0) }
  const empty = await rig.admin.get('/admin/projects')
  assert.equal(empty.status, 200)
  assert.match(empty.body, /<a href="\/admin\/projects" aria-current="page">Projects<\/a>/)
  assert.match(empty.body, /No client project yet\./)
  assert.match(empty.body, /<option value="lab" selected>lab<\/option>/, 'the servers that host projects are offered')
  const created = await rig.admin.post('/admin/projects', projectForm())
  assert.equal(created.status, 303)
  assert.equal(created.headers.location, '/admin/projects/acme?created=1')
  const playing = await rig.admin.get('/admin/projects/acme?created=1')
  assert.match(playing.body, /Project acme created: its pod is being played on lab\./)
  assert.match(playing.body, /<span class="project-status status-provisioning">provisioning<\/span>/)
  assert.match(playing.body, /reload the page to see how it ends/)
  release()
  await rig.hall.projects.settled()
  assert.deepEqual(rig.pods.calls.map(c => [c.action, c.project.name, c.project.allocation]), [['apply', 'acme', { cpu: 1.5, memoryMib: 2048, diskGib: 20 }]])
  const list = await rig.admin.get('/admin/projects')
  const acme = row(list.body, 'acme')
  assert.match(acme, /<a href="\/admin\/projects\/acme">acme<\/a>/)
  assert.match(acme, /<td>ACME Corp<\/td>/)
  assert.match(acme, /<a href="https:\/\/acme\.lan\.test\/">acme\.lan\.test<\/a>/)
  assert.match(acme, /<a href="\/admin\/servers\/lab">lab<\/a> <span class="badge badge-running">/)
  assert.match(acme, /<td>1\.5 CPU, 2048 MiB memory, 20 GiB disk<\/td>/)
  assert.match(acme, /members \(its clients and admins, signed in\)/)
  assert.match(acme, /status-ready">ready</)
  // capacity 4 CPU, 8192 MiB, 100 GiB; acme holds 1.5, 2048, 20
  assert.match(list.body, /<tr data-server="lab">.*<td>4 CPU, 8192 MiB memory, 100 GiB disk<\/td><td>1\.5 CPU, 2048 MiB memory, 20 GiB disk<\/td><td>2\.5 CPU, 6144 MiB memory, 80 GiB disk<\/td><\/tr>/s)
  const fr = await rig.admin.get('/admin/projects', { 'accept-language': 'fr' })
  assert.match(row(fr.body, 'acme'), /<td>1,5 CPU, 2048 Mio de mémoire, 20 Gio de disque<\/td>/)
})

test('over-allocation is refused with what is left, and the form keeps what was typed', async (t) => {
  const rig = await startProjectsAdmin(t)
  assert.equal((await createProject(rig)).status, 303)
  await rig.admin.get('/admin/projects')
  const refused = await rig.admin.post('/admin/projects', projectForm({ name: 'big', host: 'big.lan.test', port: '18081', cpu: '3', client: 'Big & <Co>' }))
  assert.equal(refused.status, 409)
  assert.match(refused.body, /<p class="problem" role="alert">Not done: server lab has not enough CPU left: 2\.5 CPU, 6144 MiB memory, 80 GiB disk are free of 4 CPU, 8192 MiB memory, 100 GiB disk/)
  assert.match(refused.body, /id="project-name" name="name" type="text" value="big"/)
  assert.match(refused.body, /id="project-client" name="client" type="text" value="Big &amp; &lt;Co&gt;"/)
  assert.match(refused.body, /id="project-cpu" name="cpu" type="number" value="3"/)
  assert.equal(rig.hall.projects.get('big'), undefined)
  const invalid = await rig.admin.post('/admin/projects', projectForm({ name: 'Bad Name', host: 'x.lan.test', port: '18082' }))
  assert.equal(invalid.status, 400)
  assert.match(invalid.body, /Not done: invalid project: name: expected 1 to 40 lower-case letters/)
  assert.deepEqual(rig.pods.calls.map(c => c.project.name), ['acme'])
})

test('a viewer sees the projects and a project\'s page without any form; a forged POST is 403', async (t) => {
  const rig = await startProjectsAdmin(t)
  await createProject(rig)
  const list = await rig.viewer.get('/admin/projects')
  assert.equal(list.status, 200)
  assert.match(list.body, /<a href="\/admin\/projects" aria-current="page">Projects<\/a>/)
  assert.match(row(list.body, 'acme'), /ACME Corp/)
  const page = await rig.viewer.get('/admin/projects/acme')
  assert.equal(page.status, 200)
  for (const body of [list.body, page.body]) {
    assert.doesNotMatch(body, /<form method="post" action="\/admin\/projects/)
    assert.doesNotMatch(body, /<textarea|<select/)
  }
  const forged = [
    ['/admin/projects', projectForm({ name: 'evil', host: 'evil.lan.test', port: '18090' })],
    ['/admin/projects/acme', projectForm({ client: 'Evil' })],
    ['/admin/projects/acme/remove', { confirm: 'yes', force: 'yes' }],
    ['/admin/projects/acme/members', { account: 'victor' }],
    ['/admin/projects/acme/certificates', { pem: '-----BEGIN CERTIFICATE-----' }]
  ] as const
  for (const [path, form] of forged) {
    const answer = await rig.viewer.post(path, form)
    assert.equal(answer.status, 403, path)
    assert.equal(JSON.parse(answer.body).error, 'HALL_ERR_ADMIN_FORBIDDEN')
  }
  assert.deepEqual(rig.hall.projects.list().map(p => [p.name, p.client, p.status]), [['acme', 'ACME Corp', 'ready']])
  // without the form token, even an admin's POST is refused
  const noToken = await rig.admin.post('/admin/projects/acme/remove', { confirm: 'yes', _csrf: '' })
  assert.equal(noToken.status, 403)
  assert.equal(JSON.parse(noToken.body).error, 'HALL_ERR_ADMIN_CSRF')
})

test('edit through the form: name and server read-only, the pod played again for a new allocation only', async (t) => {
  const rig = await startProjectsAdmin(t)
  await createProject(rig)
  const page = await rig.admin.get('/admin/projects/acme')
  assert.match(page.body, /<input id="project-name" value="acme" readonly>/)
  assert.match(page.body, /<input id="project-server" value="lab" readonly>/)
  assert.match(page.body, /id="project-client" name="client" type="text" value="ACME Corp"/)
  const renamed = await rig.admin.post('/admin/projects/acme', projectForm({ name: 'other', server: 'elsewhere', client: 'ACME Group', access: 'public' }))
  assert.equal(renamed.status, 303)
  assert.equal(renamed.headers.location, '/admin/projects/acme?changed=1')
  const p = rig.hall.projects.get('acme')
  assert.deepEqual([p?.name, p?.server, p?.client, p?.access, p?.updatedBy], ['acme', 'lab', 'ACME Group', 'public', 'alice'])
  assert.equal(rig.pods.calls.length, 1, 'client and access apply at the gate: no new play')
  assert.match((await rig.admin.get('/admin/projects/acme?changed=1')).body, /Project acme changed\./)
  assert.equal((await rig.admin.post('/admin/projects/acme', projectForm({ memory_mib: '4096', access: 'public' }))).status, 303)
  await rig.hall.projects.settled()
  assert.deepEqual(rig.pods.calls.map(c => [c.action, c.project.allocation.memoryMib]), [['apply', 2048], ['apply', 4096]])
  const tooBig = await rig.admin.post('/admin/projects/acme', projectForm({ disk_gib: '101', client: 'Kept' }))
  assert.equal(tooBig.status, 409)
  assert.match(tooBig.body, /Not done: server lab has not enough disk left: 4 CPU, 8192 MiB memory, 100 GiB disk are free/)
  assert.match(tooBig.body, /id="project-client" name="client" type="text" value="Kept"/)
  assert.match(tooBig.body, /id="project-disk-gib" name="disk_gib" type="number" value="101"/)
  assert.equal(rig.hall.projects.get('acme')?.allocation.diskGib, 20)
})

test('a failed play: error with podman\'s reason in the list, the operation with its exit code and stderr', async (t) => {
  const rig = await startProjectsAdmin(t)
  rig.pods.answer = () => outcome(125, 'Trying to pull docker.io/library/nginx:1.27...\nError: <img src=x onerror=alert(1)> not found\n')
  await createProject(rig)
  const list = await rig.admin.get('/admin/projects')
  assert.match(row(list.body, 'acme'), /status-error">error<\/span><br><span class="status-reason">Why: podman kube play did not complete: podman kube play exited 125: &lt;img src=x onerror=alert\(1\)&gt; not found<\/span>/)
  const page = await rig.admin.get('/admin/projects/acme')
  assert.match(page.body, /<td>play \(podman kube play\)<\/td>.*<td>failed<\/td><td>125<\/td>/s)
  assert.match(page.body, /<pre>Trying to pull docker\.io\/library\/nginx:1\.27\.\.\.\nError: &lt;img src=x onerror=alert\(1\)&gt; not found\n<\/pre>/)
  assert.doesNotMatch(page.body, /<img src=x/)
})

test('remove: asked first, then taken down and gone; force forgets a project whose pod cannot be taken down', async (t) => {
  const rig = await startProjectsAdmin(t)
  await createProject(rig)
  await createProject(rig, { name: 'beta', host: 'beta.lan.test', port: '18081', cpu: '0.5' })
  await rig.admin.get('/admin/projects/acme')
  const ask = await rig.admin.post('/admin/projects/acme/remove')
  assert.equal(ask.status, 200)
  assert.match(ask.body, /Remove the project acme\? Its pod is taken down/)
  assert.match(ask.body, /<input type="hidden" name="confirm" value="yes">/)
  assert.equal(rig.hall.projects.get('acme')?.status, 'ready')
  const done = await rig.admin.post('/admin/projects/acme/remove', { confirm: 'yes' })
  assert.equal(done.status, 303)
  assert.equal(done.headers.location, '/admin/projects?removed=acme')
  await rig.hall.projects.settled()
  assert.equal(rig.hall.projects.get('acme'), undefined)
  assert.match((await rig.admin.get('/admin/projects?removed=acme')).body, /Project acme removed\./)
  assert.doesNotMatch((await rig.admin.get('/admin/projects?removed=beta')).body, /Project beta removed/, 'a crafted link claims nothing')
  // the server refuses to take beta down: without force it stays, in error; with force it is forgotten
  rig.pods.answer = () => outcome(125, 'Error: no such pod\n')
  await rig.admin.post('/admin/projects/beta/remove', { confirm: 'yes' })
  await rig.hall.projects.settled()
  assert.equal(rig.hall.projects.get('beta')?.status, 'error')
  const forceAsk = await rig.admin.post('/admin/projects/beta/remove', { force: 'yes' })
  assert.match(forceAsk.body, /forget it even if its pod cannot be taken down/)
  assert.match(forceAsk.body, /<input type="hidden" name="force" value="yes">/)
  assert.equal((await rig.admin.post('/admin/projects/beta/remove', { confirm: 'yes', force: 'yes' })).status, 303)
  await rig.hall.projects.settled()
  assert.equal(rig.hall.projects.get('beta'), undefined)
  assert.deepEqual(rig.pods.calls.map(c => [c.action, c.project.name]), [['apply', 'acme'], ['apply', 'beta'], ['remove', 'acme'], ['remove', 'beta'], ['remove', 'beta']])
  assert.equal((await rig.admin.get('/admin/projects/beta')).status, 404)
})

test('an attacker\'s client name is escaped on every page', async (t) => {
  const rig = await startProjectsAdmin(t)
  const client = '<script>alert("x")</script>'
  assert.equal((await createProject(rig, { client })).status, 303)
  for (const path of ['/admin/projects', '/admin/projects/acme']) {
    const body = (await rig.admin.get(path)).body
    assert.doesNotMatch(body, /<script>alert/)
    assert.match(body, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/)
  }
})

test('without client projects there is no Projects section', async (t) => {
  const rig = await pagesRig(t)
  const admin = harnessBrowser(rig.app, ADMIN)
  const home = await admin.get('/admin/')
  assert.equal(home.status, 200)
  assert.doesNotMatch(home.body, /href="\/admin\/projects"/)
  assert.equal((await admin.get('/admin/projects')).status, 404)
  const accounts = await admin.get('/admin/accounts')
  assert.doesNotMatch(accounts.body, /<option value="client"/)
})
