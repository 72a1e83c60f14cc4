import assert from 'node:assert/strict'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { parse } from 'yaml'
import { startProjectsRig, projectFields, type ProjectsRig } from './rig.js'

interface PodShape {
  apiVersion: string
  kind: string
  metadata: { name: string, labels: Record<string, string> }
  spec: { containers: Array<{ image: string, ports: Array<{ containerPort: number, hostPort: number }>, resources: { limits: Record<string, string> } }> }
}

/** The pod a call received on stdin, as podman would read it. */
function podOf (stdin: string): { name: string, image: string, ports: number[][], limits: Record<string, string> } {
  const pod = parse(stdin) as PodShape
  assert.equal(pod.kind, 'Pod')
  const container = pod.spec.containers[0]!
  return { name: pod.metadata.name, image: container.image, ports: container.ports.map(p => [p.containerPort, p.hostPort]), limits: container.resources.limits }
}

/** Rows as SQLite holds them, read on a connection of their own: what survives Hall. */
function rows<T> (rig: ProjectsRig, sql: string): T[] {
  const db = new Database(rig.dbFile, { readonly: true, fileMustExist: true })
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}

test('two projects created at once on a sleeping server: one wake, then both pods played with their YAML; an edit plays again, a delete takes down', async (t) => {
  const rig = await startProjectsRig(t)
  const started = performance.now()
  const [acme, globex] = await Promise.all([
    rig.api('POST', '/api/projects', projectFields('acme', 18080, { cpu: 1.5, memory_mib: 512, disk_gib: 4 })),
    rig.api('POST', '/api/projects', projectFields('globex', 18081, { container_port: 8080, cpu: 0.5, memory_mib: 256, disk_gib: 2, access: 'members' }))
  ])
  assert.equal(acme.status, 202, JSON.stringify(acme.body))
  assert.equal(globex.status, 202, JSON.stringify(globex.body))
  assert.equal(acme.body.status, 'provisioning')
  assert.equal(acme.body.url, 'https://acme.example.test/')
  assert.equal(acme.body.created_by, 'api-key:ci')

  await rig.hall.projects.settled()
  const elapsed = performance.now() - started
  const wakes = rig.hall.store.wakes.recent('testing', 10)
  assert.equal(wakes.length, 1, 'one wake for both projects')
  assert.equal(wakes[0]!.trigger, 'api')
  assert.equal(wakes[0]!.outcome, 'running')
  assert.equal(rig.testing.wakeCount, wakes[0]!.packetsSent, 'one burst of magic packets')

  const calls = await rig.standIn.calls()
  assert.deepEqual(calls.map(c => c.args), [['kube', 'play', '--replace', '-'], ['kube', 'play', '--replace', '-']])
  const pods = calls.map(c => podOf(c.stdin)).sort((a, b) => a.name.localeCompare(b.name))
  assert.deepEqual(pods, [
    { name: 'hall-acme', image: 'docker.io/library/nginx:1.27', ports: [[80, 18080]], limits: { cpu: '1500m', memory: '512Mi', 'ephemeral-storage': '4Gi' } },
    { name: 'hall-globex', image: 'docker.io/library/nginx:1.27', ports: [[8080, 18081]], limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '2Gi' } }
  ])
  // played once the server served, each recorded as waiting for that one wake
  for (const name of ['acme', 'globex']) {
    const detail = await rig.api('GET', `/api/projects/${name}`)
    assert.equal(detail.status, 200)
    assert.equal(detail.body.status, 'ready', name)
    const [op] = detail.body.operations
    assert.deepEqual([op.action, op.outcome, op.exit_code, op.wake_id, op.requested_by], ['play', 'done', 0, wakes[0]!.id, 'api-key:ci'], name)
    assert.ok(Date.parse(op.started_at) >= wakes[0]!.runningAt!, `${name} played after the server was up`)
  }
  assert.equal(await rig.forwardAuth('acme.example.test'), 200, 'its host is served at the gate')
  t.diagnostic(`wake and two plays: ${Math.round(elapsed)} ms`)

  // an edit of the pod's spec plays it again with the new YAML
  await rig.standIn.reset()
  const edited = await rig.api('PATCH', '/api/projects/acme', { image: 'docker.io/library/nginx:1.28', memory_mib: 1024 })
  assert.equal(edited.status, 202)
  assert.equal(edited.body.status, 'provisioning')
  await rig.hall.projects.settled()
  const replay = await rig.standIn.calls()
  assert.deepEqual(replay.map(c => c.args), [['kube', 'play', '--replace', '-']])
  assert.deepEqual(podOf(replay[0]!.stdin), { name: 'hall-acme', image: 'docker.io/library/nginx:1.28', ports: [[80, 18080]], limits: { cpu: '1500m', memory: '1024Mi', 'ephemeral-storage': '4Gi' } })
  assert.equal((await rig.api('GET', '/api/projects/acme')).body.status, 'ready')
  assert.equal(rig.hall.store.wakes.recent('testing', 10).length, 1, 'the server was up: no second wake')

  // a change Hall applies at the gate alone touches no pod
  const renamed = await rig.api('PATCH', '/api/projects/acme', { client: 'ACME Inc' })
  assert.equal(renamed.status, 200)
  assert.deepEqual([renamed.body.client, renamed.body.status], ['ACME Inc', 'ready'])
  await rig.hall.projects.settled()
  assert.equal((await rig.standIn.calls()).length, 1)

  // a delete takes the pod down with the same YAML, then the project is gone everywhere
  await rig.standIn.reset()
  const removing = await rig.api('DELETE', '/api/projects/acme')
  assert.equal(removing.status, 202)
  assert.equal(removing.body.status, 'removing')
  await rig.hall.projects.settled()
  const down = await rig.standIn.calls()
  assert.deepEqual(down.map(c => c.args), [['kube', 'down', '-']])
  assert.equal(podOf(down[0]!.stdin).name, 'hall-acme')
  assert.equal((await rig.api('GET', '/api/projects/acme')).status, 404)
  assert.deepEqual(rows<{ name: string }>(rig, 'SELECT name FROM projects ORDER BY name'), [{ name: 'globex' }])
  assert.equal(await rig.forwardAuth('acme.example.test'), 404, 'its host is no longer served')
  const ops = rows<{ action: string, outcome: string }>(rig, "SELECT action, outcome FROM project_operations WHERE project = 'acme' ORDER BY id")
  assert.deepEqual(ops, [{ action: 'play', outcome: 'done' }, { action: 'play', outcome: 'done' }, { action: 'down', outcome: 'done' }])
})

test('podman exiting 125 leaves the project in error with its reason, and an operation row with the exit code and stderr', async (t) => {
  const rig = await startProjectsRig(t)
  const stderr = 'Trying to pull docker.io/library/nope:1...\nError: initializing source docker://nope:1: reading manifest 1 in docker.io/library/nope: requested access to the resource is denied\n'
  await rig.standIn.behave({ exitCode: 125, stderr })
  const created = await rig.api('POST', '/api/projects', projectFields('acme', 18080, { image: 'docker.io/library/nope:1' }))
  assert.equal(created.status, 202)
  await rig.hall.projects.settled()

  const reason = 'podman kube play did not complete: podman kube play exited 125: initializing source docker://nope:1: reading manifest 1 in docker.io/library/nope: requested access to the resource is denied'
  const detail = await rig.api('GET', '/api/projects/acme')
  assert.deepEqual([detail.body.status, detail.body.status_reason], ['error', reason])
  const [op] = detail.body.operations
  assert.deepEqual([op.action, op.outcome, op.exit_code, op.stderr], ['play', 'failed', 125, stderr])
  assert.match(op.error_message, /^podman kube play exited 125: initializing source/)
  assert.notEqual(op.finished_at, null)
  // SQLite holds the same, whole: the project in error with its reason, the operation closed
  assert.deepEqual(rows(rig, 'SELECT status, status_reason AS reason FROM projects'), [{ status: 'error', reason }])
  assert.deepEqual(rows(rig, 'SELECT outcome, exit_code AS exitCode, stderr FROM project_operations'), [{ outcome: 'failed', exitCode: 125, stderr }])

  // a removal that podman refuses leaves it listed in error; --force forgets it anyway
  await rig.standIn.behave({ exitCode: 125, stderr: 'Error: connection to the podman socket refused\n' })
  assert.equal((await rig.api('DELETE', '/api/projects/acme')).status, 202)
  await rig.hall.projects.settled()
  const kept = await rig.api('GET', '/api/projects/acme')
  assert.deepEqual([kept.body.status, kept.body.status_reason], ['error', 'podman kube down did not complete: podman kube down exited 125: connection to the podman socket refused'])
  assert.equal((await rig.api('DELETE', '/api/projects/acme?force=true')).status, 202)
  await rig.hall.projects.settled()
  assert.equal((await rig.api('GET', '/api/projects/acme')).status, 404)
  assert.deepEqual(rows(rig, 'SELECT name FROM projects'), [])
})
