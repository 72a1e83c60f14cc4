import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parse } from 'yaml'
import { projectFields, startProjectsRig } from '../projects/rig.js'
import { runHall } from './run-hall.js'

const ADD_ACME = ['project', 'add', 'acme', '--client', 'ACME Corp', '--host', 'acme.example.test', '--server', 'testing', '--port', '18080', '--container-port', '80',
  '--image', 'docker.io/library/nginx:1.27', '--cpu', '1.5', '--memory', '512', '--disk', '4']

test('hall project add, list, edit and remove wait for the pod and print how it went', async (t) => {
  const rig = await startProjectsRig(t)
  const env = { HALL_URL: rig.hall.url, HALL_API_KEY: rig.key }

  const added = await runHall(ADD_ACME, env)
  assert.deepEqual(added, { code: 0, stdout: 'acme: ready at https://acme.example.test/ (pod played on testing)\n', stderr: '' })
  assert.equal(rig.hall.store.wakes.recent('testing', 10).length, 1, 'the sleeping server was woken for it')

  const listed = await runHall(['project', 'list'], env)
  assert.equal(listed.code, 0, listed.stderr)
  const lines = listed.stdout.split('\n')
  assert.match(lines[0]!, /^NAME\s+CLIENT\s+HOST\s+SERVER\s+PORT\s+IMAGE\s+CPU\s+MEMORY\s+DISK\s+ACCESS\s+STATUS$/)
  assert.match(lines[1]!, /^acme\s+ACME Corp\s+acme\.example\.test\s+testing\s+18080\s+docker\.io\/library\/nginx:1\.27\s+1\.5\s+512 MiB\s+4 GiB\s+public\s+ready$/)
  assert.equal(lines[3], 'testing (RUNNING): 1 project(s) hold 1.5 CPU, 512 MiB, 4 GiB of 4 CPU, 4096 MiB, 40 GiB; left: 2.5 CPU, 3584 MiB, 36 GiB')

  const tooBig = await runHall(['project', 'add', 'globex', '--client', 'Globex', '--host', 'globex.example.test', '--server', 'testing', '--port', '18081',
    '--image', 'docker.io/library/nginx:1.27', '--cpu', '1', '--memory', '4000', '--disk', '4'], env)
  assert.deepEqual(tooBig, {
    code: 1,
    stdout: '',
    stderr: 'HALL_ERR_PROJECT_CAPACITY: server testing has not enough memory left: 2.5 CPU, 3584 MiB memory, 36 GiB disk are free of 4 CPU, 4096 MiB memory, 40 GiB disk, and the project asks for 1 CPU, 4000 MiB memory, 4 GiB disk\n'
  })

  await rig.standIn.reset()
  const edited = await runHall(['project', 'edit', 'acme', '--image', 'docker.io/library/nginx:1.28'], env)
  assert.deepEqual(edited, { code: 0, stdout: 'acme: ready at https://acme.example.test/ (pod played on testing)\n', stderr: '' })
  const pod = parse((await rig.standIn.calls())[0]?.stdin ?? '') as { spec: { containers: Array<{ image: string }> } }
  assert.equal(pod.spec.containers[0]?.image, 'docker.io/library/nginx:1.28')
  const gateOnly = await runHall(['project', 'edit', 'acme', '--client', 'ACME Inc', '--access', 'members'], env)
  assert.deepEqual(gateOnly, { code: 0, stdout: 'acme: changed (client, access); its pod stays as it was\n', stderr: '' })

  // podman refuses an image: the reason, podman's own line, and exit 1
  await rig.standIn.behave({ exitCode: 125, stderr: 'Trying to pull docker.io/library/nope:1...\nError: docker.io/library/nope:1: image not known\n' })
  const failed = await runHall(['project', 'edit', 'acme', '--image', 'docker.io/library/nope:1'], env)
  assert.deepEqual(failed, { code: 1, stdout: '', stderr: 'acme: podman kube play did not complete: podman kube play exited 125: docker.io/library/nope:1: image not known\n' })
  await rig.standIn.behave({})

  const noWait = await runHall(['project', 'edit', 'acme', '--image', 'docker.io/library/nginx:1.28', '--no-wait'], env)
  assert.deepEqual(noWait, { code: 0, stdout: 'acme: changed (image); its pod is being played again on testing\n', stderr: '' })
  await rig.hall.projects.settled()

  await rig.standIn.reset()
  const removed = await runHall(['project', 'remove', 'acme'], env)
  assert.deepEqual(removed, { code: 0, stdout: 'acme: removed\n', stderr: '' })
  assert.deepEqual((await rig.standIn.calls()).map(c => c.args), [['kube', 'down', '-']])
  assert.deepEqual(await runHall(['project', 'list'], env), { code: 0, stdout: 'no projects (add one with: hall project add NAME ...)\n\ntesting (RUNNING): 0 project(s) hold 0 CPU, 0 MiB, 0 GiB of 4 CPU, 4096 MiB, 40 GiB; left: 4 CPU, 4096 MiB, 40 GiB\n', stderr: '' })
})

test('hall project: bad arguments exit 2 before Hall is asked; a wake-only key is refused', async (t) => {
  const rig = await startProjectsRig(t)
  const env = { HALL_URL: rig.hall.url, HALL_API_KEY: rig.key }
  const cases = [
    { args: ['project', 'add', 'acme', '--client', 'ACME'], stderr: /^project add needs --host, --server, --port, --image, --cpu, --memory, --disk\n/ },
    { args: [...ADD_ACME.slice(0, -1), 'four'], stderr: /^--disk takes a number, not "four"\n$/ },
    { args: ['project', 'edit', 'acme'], stderr: /^project edit needs a field to change: --client, --host/ },
    { args: ['project', 'frobnicate'], stderr: /^unknown project subcommand "frobnicate"/ }
  ]
  for (const c of cases) {
    const run = await runHall(c.args, env)
    assert.equal(run.code, 2, c.args.join(' '))
    assert.match(run.stderr, c.stderr, c.args.join(' '))
  }
  const keyless = await runHall(ADD_ACME, { HALL_URL: rig.hall.url })
  assert.deepEqual([keyless.code, keyless.stderr], [2, 'project needs an API key allowed "projects": set HALL_API_KEY or pass --key KEY (make one with: hall apikey create --name NAME --actions projects)\n'])
  const wakeOnly = rig.hall.store.apiKeys.create({ name: 'uptime', servers: null, actions: ['wake'], now: Date.now() }).key
  const refused = await runHall(['project', 'list', '--key', wakeOnly], { HALL_URL: rig.hall.url })
  assert.deepEqual(refused, { code: 1, stdout: '', stderr: 'HALL_ERR_API_KEY_FORBIDDEN: the key "uptime" may not manage projects\n' })
  assert.equal(rig.hall.store.wakes.recent('testing', 10).length, 0, 'nothing reached the server')
})

test('hall user add --role client --project: the running Hall lets the client reach the project within seconds; an unknown project is refused', async (t) => {
  const rig = await startProjectsRig(t)
  assert.equal((await rig.api('POST', '/api/projects', projectFields('acme', 18080, { access: 'members' }))).status, 202)
  assert.equal((await rig.api('POST', '/api/projects', projectFields('globex', 18081))).status, 202)
  await rig.hall.projects.settled()
  const env = { HALL_DB: rig.dbFile }

  const unknown = await runHall(['user', 'add', 'bob', '--role', 'client', '--project', 'acme', '--project', 'initech'], env, 'a long client passphrase\n')
  assert.deepEqual([unknown.code, unknown.stderr], [2, 'no project named "initech" (hall project list shows them)\n'])
  const notClient = await runHall(['user', 'add', 'bob', '--project', 'acme'], env, 'a long client passphrase\n')
  assert.deepEqual([notClient.code, notClient.stderr], [2, '--project is for client accounts: add --role client (admins reach every project already)\n'])
  assert.equal(rig.hall.store.accounts.find('bob'), null, 'nothing written for a refused command')

  const added = await runHall(['user', 'add', 'bob', '--role', 'client', '--project', 'acme', '--project', 'globex'], env, 'a long client passphrase\n')
  assert.equal(added.code, 0, added.stderr)
  assert.match(added.stdout, /^added account "bob" \(client\) in .*: log in at HALL_PUBLIC_URL\/login and reach acme, globex\n$/)
  const noticed = performance.now()
  // the CLI wrote to SQLite; the running Hall reads memberships again when data_version moves (every 2 s)
  while ((await rig.api('GET', '/api/projects/acme')).body.members.length === 0) {
    assert.ok(performance.now() - noticed < 5000, 'seen within 5 s')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  t.diagnostic(`membership seen by the running Hall after ${Math.round(performance.now() - noticed)} ms`)
  assert.deepEqual((await rig.api('GET', '/api/projects/globex')).body.members, ['bob'])

  const list = await runHall(['user', 'list'], env)
  assert.equal(list.code, 0, list.stderr)
  assert.match(list.stdout, /\nbob\s+client\s+acme,globex\s+\d{4}-/)
})
