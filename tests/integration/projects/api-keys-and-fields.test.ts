import assert from 'node:assert/strict'
import { test } from 'node:test'
import { request } from 'undici'
import { projectFields, startProjectsRig } from './rig.js'

test('/api/projects answers only a key allowed "projects", and a key limited to other servers sees none of these', async (t) => {
  const rig = await startProjectsRig(t)
  assert.equal((await rig.api('POST', '/api/projects', projectFields('acme', 18080))).status, 202)
  await rig.hall.projects.settled()
  const now = Date.now()
  const wakeOnly = rig.hall.store.apiKeys.create({ name: 'uptime', servers: null, actions: ['wake'], now }).key
  const elsewhere = rig.hall.store.apiKeys.create({ name: 'erp-only', servers: ['erp'], actions: ['projects'], now }).key
  const everything = rig.hall.store.apiKeys.create({ name: 'admin-script', servers: null, actions: null, now }).key

  // no key at all: 401 before the project, its name or its body are looked at
  for (const [method, path] of [['GET', '/api/projects'], ['GET', '/api/projects/acme'], ['GET', '/api/projects/nope'], ['DELETE', '/api/projects/acme']] as const) {
    const res = await request(`${rig.hall.url}${path}`, { method })
    assert.equal(res.statusCode, 401, `${method} ${path}`)
    assert.equal(res.headers['www-authenticate'], 'X-API-Key')
    assert.deepEqual(await res.body.json(), { error: 'HALL_ERR_API_KEY_INVALID', message: 'a valid X-API-Key header is required' })
  }
  const broken = await request(`${rig.hall.url}/api/projects`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' })
  assert.equal(broken.statusCode, 401, 'a body is not parsed for a caller without a key')
  await broken.body.dump()

  const cases = [
    { name: 'wake-only key creates', key: wakeOnly, method: 'POST', path: '/api/projects', body: projectFields('globex', 18081), status: 403, message: 'the key "uptime" may not manage projects' },
    { name: 'wake-only key lists', key: wakeOnly, method: 'GET', path: '/api/projects', status: 403, message: 'the key "uptime" may not manage projects' },
    { name: 'other servers\' key creates here', key: elsewhere, method: 'POST', path: '/api/projects', body: projectFields('globex', 18081), status: 403, message: 'the key "erp-only" may not manage projects on testing' },
    { name: 'other servers\' key reads one here', key: elsewhere, method: 'GET', path: '/api/projects/acme', status: 403, message: 'the key "erp-only" may not manage projects on testing' },
    { name: 'other servers\' key removes one here', key: elsewhere, method: 'DELETE', path: '/api/projects/acme', status: 403, message: 'the key "erp-only" may not manage projects on testing' },
    { name: 'unknown project', key: everything, method: 'GET', path: '/api/projects/nope', status: 404, message: 'no project named "nope"' },
    { name: 'a key of every action edits', key: everything, method: 'PATCH', path: '/api/projects/acme', body: { access: 'members' }, status: 200 }
  ] as const
  for (const c of cases) {
    const answer = await rig.api(c.method, c.path, 'body' in c ? c.body : undefined, c.key)
    assert.equal(answer.status, c.status, `${c.name}: ${JSON.stringify(answer.body)}`)
    if ('message' in c) assert.equal(answer.body.message, c.message, c.name)
  }
  const theirs = await rig.api('GET', '/api/projects', undefined, elsewhere)
  assert.deepEqual(theirs.body, { projects: [], servers: [] }, 'neither the projects nor the capacity of a server the key does not cover')
  assert.equal((await rig.api('GET', '/api/projects/acme')).body.updated_by, 'api-key:admin-script')
  assert.equal((await rig.api('GET', '/api/projects')).body.projects.length, 1, 'nothing created by a refused key')
})

test('/api/projects refuses a bad field by name, an unknown field, a rename and a busy project, each in Hall\'s error shape', async (t) => {
  const rig = await startProjectsRig(t)
  const cases = [
    { name: 'memory as text', body: projectFields('acme', 18080, { memory_mib: 'lots' }), error: 'HALL_ERR_PROJECT_INVALID', message: /^invalid project: memory_mib: / },
    { name: 'a bad host', body: projectFields('acme', 18080, { host: 'not a host' }), error: 'HALL_ERR_PROJECT_INVALID', message: /^invalid project: host: expected a host name such as acme\.testing\.example\.com$/ },
    { name: 'an unknown field', body: projectFields('acme', 18080, { replicas: 3 }), error: 'HALL_ERR_PROJECT_INVALID', message: /replicas/ },
    { name: 'a server with no capacity', body: projectFields('acme', 18080, { server: 'erp' }), error: 'HALL_ERR_PROJECT_INVALID', message: /^server: no server named "erp" in domains\.json$/ },
    { name: 'Hall\'s own host', body: projectFields('acme', 18080, { host: 'hall.example.test' }), error: 'HALL_ERR_PROJECT_CONFLICT', message: /^host: hall\.example\.test is Hall's own host$/ }
  ]
  for (const c of cases) {
    const answer = await rig.api('POST', '/api/projects', c.body)
    assert.equal(answer.status, c.error === 'HALL_ERR_PROJECT_CONFLICT' ? 409 : 400, c.name)
    assert.equal(answer.body.error, c.error, c.name)
    assert.match(answer.body.message, c.message, c.name)
  }
  const notObject = await rig.api('POST', '/api/projects', ['acme'])
  assert.deepEqual([notObject.status, notObject.body.error], [400, 'HALL_ERR_HTTP_BAD_REQUEST'])

  const created = await rig.api('POST', '/api/projects', projectFields('acme', 18080))
  assert.equal(created.status, 202)
  // the server is asleep: the pod waits for its wake, and the project for its pod
  const busy = await rig.api('PATCH', '/api/projects/acme', { image: 'docker.io/library/nginx:1.28' })
  assert.deepEqual([busy.status, busy.body.error], [409, 'HALL_ERR_PROJECT_BUSY'])
  await rig.hall.projects.settled()
  const renamed = await rig.api('PATCH', '/api/projects/acme', { name: 'acme2' })
  assert.deepEqual([renamed.status, renamed.body.error], [400, 'HALL_ERR_PROJECT_INVALID'])
  assert.match(renamed.body.message, /^name: a project cannot be renamed/)
  const taken = await rig.api('POST', '/api/projects', projectFields('globex', 18080))
  assert.deepEqual([taken.status, taken.body.message], [409, 'port: project acme already publishes port 18080 on testing'])
  assert.deepEqual((await rig.api('GET', '/api/projects')).body.projects.map((p: { name: string }) => p.name), ['acme'])
})
