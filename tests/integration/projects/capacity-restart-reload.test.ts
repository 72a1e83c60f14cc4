import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { test } from 'node:test'
import { CAPACITY, FILE_DOMAIN, projectFields, startProjectsRig, until, type ProjectsRig } from './rig.js'

async function createReady (rig: ProjectsRig, fields: Record<string, unknown>): Promise<void> {
  const created = await rig.api('POST', '/api/projects', fields)
  assert.equal(created.status, 202, JSON.stringify(created.body))
  await rig.hall.projects.settled()
  assert.equal((await rig.api('GET', `/api/projects/${String(fields.name)}`)).body.status, 'ready')
}

test('an allocation past the capacity is refused with what is left, on create and on edit, and nothing is recorded', async (t) => {
  const rig = await startProjectsRig(t)
  await createReady(rig, projectFields('acme', 18080, { cpu: 3, memory_mib: 3072, disk_gib: 30 }))
  await rig.standIn.reset()

  const refused = await rig.api('POST', '/api/projects', projectFields('globex', 18081, { cpu: 1.5, memory_mib: 512, disk_gib: 5 }))
  assert.equal(refused.status, 409)
  assert.deepEqual(refused.body, {
    error: 'HALL_ERR_PROJECT_CAPACITY',
    message: 'server testing has not enough CPU left: 1 CPU, 1024 MiB memory, 10 GiB disk are free of 4 CPU, 4096 MiB memory, 40 GiB disk, and the project asks for 1.5 CPU, 512 MiB memory, 5 GiB disk',
    server: 'testing',
    left: { cpu: 1, memory_mib: 1024, disk_gib: 10 },
    wanted: { cpu: 1.5, memory_mib: 512, disk_gib: 5 }
  })
  // an edit counts what the project holds already as its own
  const grown = await rig.api('PATCH', '/api/projects/acme', { memory_mib: 5000 })
  assert.equal(grown.status, 409)
  assert.deepEqual(grown.body.left, { cpu: 4, memory_mib: 4096, disk_gib: 40 })
  assert.match(grown.body.message, /^server testing has not enough memory left/)

  const list = await rig.api('GET', '/api/projects')
  assert.deepEqual(list.body.projects.map((p: { name: string, memory_mib: number }) => [p.name, p.memory_mib]), [['acme', 3072]])
  assert.deepEqual(list.body.servers, [{
    server: 'testing',
    state: 'RUNNING',
    capacity: CAPACITY,
    allocated: { cpu: 3, memory_mib: 3072, disk_gib: 30 },
    remaining: { cpu: 1, memory_mib: 1024, disk_gib: 10 },
    projects: 1
  }])
  await rig.hall.projects.settled()
  assert.deepEqual(await rig.standIn.calls(), [], 'no pod was played for a refused change')
  // and what fits still does, to the last millicore
  await createReady(rig, projectFields('globex', 18081, { cpu: 1, memory_mib: 1024, disk_gib: 10 }))
  assert.deepEqual((await rig.api('GET', '/api/projects')).body.servers[0].remaining, { cpu: 0, memory_mib: 0, disk_gib: 0 })
})

test('projects survive a restart and a reload of domains.json; a reload that drops their server or its room is refused, naming the field, and the old config stays', async (t) => {
  const rig = await startProjectsRig(t)
  await createReady(rig, projectFields('acme', 18080))
  assert.equal(await rig.forwardAuth('acme.example.test'), 200)

  const restarted = performance.now()
  await rig.restart()
  await until('testing is seen up again', () => rig.hall.fleet.supervisor('testing')?.state().phase === 'RUNNING')
  t.diagnostic(`restart until RUNNING: ${Math.round(performance.now() - restarted)} ms`)
  const listed = await rig.api('GET', '/api/projects')
  assert.deepEqual(listed.body.projects.map((p: { name: string, status: string }) => [p.name, p.status]), [['acme', 'ready']])
  assert.equal(await rig.forwardAuth('acme.example.test'), 200, 'its host is served after the restart')

  // a reload that keeps the server and its room: the gate keeps serving the project
  writeFileSync(rig.configFile, rig.domainsJson(file => { file.servers.testing.probe_timeout_seconds = 0.6 }))
  assert.equal(rig.hall.reload('test').ok, true)
  assert.equal(await rig.forwardAuth('acme.example.test'), 200, 'its host is served after the reload')
  assert.equal(rig.hall.fleet.config().servers.get('testing')?.probeTimeoutMs, 600)

  const refusals = [
    {
      name: 'the server gone',
      change: (file: any) => {
        file.servers = { erp: { ...file.servers.testing, capacity: undefined, podman: undefined } }
        file.domains[FILE_DOMAIN].server = 'erp'
      },
      problem: 'servers.testing: still hosts project(s) acme: remove them first'
    },
    { name: 'no longer hosting', change: (file: any) => { delete file.servers.testing.capacity; delete file.servers.testing.podman }, problem: 'servers.testing: still hosts project(s) acme: keep its "capacity" and "podman"' },
    { name: 'capacity shrunk', change: (file: any) => { file.servers.testing.capacity = { cpu: 0.5, memory_mib: 4096, disk_gib: 40 } }, problem: 'servers.testing.capacity: 0.5 CPU, 4096 MiB memory, 40 GiB disk is less than its projects hold' },
    { name: 'its host taken', change: (file: any) => { file.domains['acme.example.test'] = { server: 'testing', upstream: 'http://127.0.0.1:1' } }, problem: 'domains["acme.example.test"]: is project acme\'s host: remove the project or choose another host' }
  ]
  for (const r of refusals) {
    writeFileSync(rig.configFile, rig.domainsJson(r.change))
    const result = rig.hall.reload('test')
    assert.equal(result.ok, false, r.name)
    assert.ok(!result.ok && result.message.includes(r.problem), `${r.name}: ${result.ok ? '' : result.message}`)
    assert.deepEqual(rig.hall.fleet.config().servers.get('testing')?.projects?.capacity, { cpu: 4, memoryMib: 4096, diskGib: 40 }, r.name)
    assert.equal(rig.hall.fleet.config().servers.get('testing')?.probeTimeoutMs, 600, `${r.name}: the last good config stays`)
    assert.equal(await rig.forwardAuth('acme.example.test'), 200, `${r.name}: still served`)
  }
})
