import assert from 'node:assert/strict'
import test from 'node:test'
import { isHallError } from '../../../service/src/errors.js'
import { formatAllocation, parseProjectSpec, specInput } from '../../../service/src/projects/spec.js'
import { acmeSpec } from '../../fixtures/projects.js'

const good = {
  name: 'acme-shop',
  client: 'ACME Corp',
  host: 'acme.testing.example.com',
  server: 'testing',
  port: 18080,
  container_port: 80,
  image: 'docker.io/library/nginx:1.27',
  cpu: 1.5,
  memory_mib: 512,
  disk_gib: 4,
  access: 'members'
}

test('spec: a good project in the API\'s words becomes a ProjectSpec, and specInput gives the same words back', () => {
  const spec = parseProjectSpec(good)
  // the shared sample project, under this test's name
  assert.deepEqual(spec, { ...acmeSpec, name: 'acme-shop' })
  assert.deepEqual(specInput(spec), good)
})

test('spec: the defaults and normal forms: container port = port, access public, host in lower case, client trimmed', () => {
  const { container_port: _c, access: _a, ...rest } = good
  const spec = parseProjectSpec({ ...rest, host: 'ACME.Testing.Example.com', client: '  ACME Corp ' })
  assert.equal(spec.containerPort, 18080)
  assert.equal(spec.access, 'public')
  assert.equal(spec.host, 'acme.testing.example.com')
  assert.equal(spec.client, 'ACME Corp')
})

// each bad field is named first in the message, so a form or a script knows which one to fix
const bad: Array<{ field: string, value: unknown, reason?: RegExp }> = [
  { field: 'name', value: 'Acme', reason: /lower-case letters, digits or "-"/ },
  { field: 'name', value: '-acme' },
  { field: 'name', value: 'a'.repeat(41) },
  { field: 'client', value: 'ACME\nCorp', reason: /on one line/ },
  { field: 'client', value: '   ' },
  { field: 'host', value: 'acme', reason: /a host name such as/ },
  { field: 'host', value: 'acme..example.com' },
  { field: 'host', value: 'acme.example.com/path' },
  { field: 'server', value: '' },
  { field: 'port', value: 0 },
  { field: 'port', value: 65536 },
  { field: 'port', value: '8080' },
  { field: 'container_port', value: 1.5 },
  { field: 'image', value: 'nginx latest', reason: /an image reference/ },
  { field: 'image', value: '--privileged' },
  { field: 'cpu', value: 0 },
  { field: 'cpu', value: 0.0005, reason: /steps of 0\.001/ },
  { field: 'cpu', value: 5000 },
  { field: 'memory_mib', value: 1.5 },
  { field: 'memory_mib', value: -1 },
  { field: 'disk_gib', value: 0 },
  { field: 'access', value: 'private' }
]
for (const c of bad) {
  test(`spec: ${c.field} = ${JSON.stringify(c.value)} is refused, naming ${c.field}`, () => {
    assert.throws(() => parseProjectSpec({ ...good, [c.field]: c.value }), (err: unknown) => {
      assert.ok(isHallError(err, 'HALL_ERR_PROJECT_INVALID'))
      assert.match(err.message, new RegExp(`^invalid project: ${c.field}: `))
      if (c.reason !== undefined) assert.match(err.message, c.reason)
      return true
    })
  })
}

test('spec: a missing field and an unknown one are named too, every problem at once', () => {
  const { image: _image, ...noImage } = good
  assert.throws(() => parseProjectSpec({ ...noImage, replicas: 3, port: 0 }), (err: unknown) => {
    assert.ok(isHallError(err, 'HALL_ERR_PROJECT_INVALID'))
    const problems = (err.details as { problems: string[] }).problems
    assert.deepEqual(problems.map(p => p.slice(0, p.indexOf(':'))).sort(), ['image', 'port', 'project'])
    assert.match(err.message, /replicas/)
    return true
  })
  assert.throws(() => parseProjectSpec('acme'), (err: unknown) => isHallError(err, 'HALL_ERR_PROJECT_INVALID') && err.message.startsWith('invalid project: project: '))
})

test('spec: an allocation reads as people say it', () => {
  assert.equal(formatAllocation({ cpu: 0.25, memoryMib: 512, diskGib: 4 }), '0.25 CPU, 512 MiB memory, 4 GiB disk')
})
