import assert from 'node:assert/strict'
import test from 'node:test'
import { ADMIN, browser, pagesRig, VIEWER } from './pages-harness.js'

// A server's page over the real store: what the fleet wrote while the test woke the server.

test('a server\'s page shows the wake it just had: its timeline, its day\'s count, its boot time and its steps', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  await admin.get('/admin/')
  await admin.post('/admin/servers/lab/wake', { confirm: 'yes' })
  await rig.advance(5000)
  assert.equal(rig.fleet.supervisor('lab')?.state().phase, 'RUNNING')

  const page = await browser(rig.app, VIEWER).get('/admin/servers/lab')
  assert.equal(page.status, 200)
  assert.match(page.body, /<h1>lab: history<\/h1>/)
  const data = JSON.parse(/id="hall-history">(.*?)<\/script>/.exec(page.body)![1]!)
  const phases = data.day.map((s: number[]) => data.phases[s[2]!])
  assert.equal(phases.at(-1), 'RUNNING')
  assert.ok(phases.includes('WAKING'), `went through WAKING: ${phases.join(', ')}`)
  assert.equal(data.wakes[0].at(-1), 1, 'one successful wake today')
  assert.equal(data.bootsSeconds.length, 1)
  assert.match(page.body, /<tr data-wake-id="\d+">/)
  assert.match(page.body, /API or admin/)
  assert.doesNotMatch(page.body, /<form method="post"(?! class="admin-account")/, 'a viewer gets no form here either')
})

test('an unknown server is a 404; a name too long is refused before any query', async (t) => {
  const rig = await pagesRig(t)
  const admin = browser(rig.app, ADMIN)
  assert.equal((await admin.get('/admin/servers/nope')).status, 404)
  assert.equal((await admin.get(`/admin/servers/${'x'.repeat(64)}`)).status, 400)
})
