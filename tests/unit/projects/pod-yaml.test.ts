import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parse } from 'yaml'
import { podNameOf, renderPodYaml } from '../../../service/src/projects/pod-yaml.js'
import type { ProjectSpec } from '../../../service/src/projects/types.js'
import { acmeSpec } from '../../fixtures/projects.js'

const acme: ProjectSpec = acmeSpec

function pod (overrides: Partial<ProjectSpec> = {}): ProjectSpec {
  return { ...acme, ...overrides }
}

/** What podman reads (YAML 1.1, like go-yaml), what the yaml package reads (1.2), and plain JSON must agree. */
function readEveryWay (text: string): unknown {
  const asJson: unknown = JSON.parse(text)
  assert.deepEqual(parse(text, { version: '1.1' }), asJson)
  assert.deepEqual(parse(text, { version: '1.2' }), asJson)
  return asJson
}

function expectedPod (p: ProjectSpec, cpu: string): unknown {
  const resources = { cpu, memory: `${p.allocation.memoryMib}Mi`, 'ephemeral-storage': `${p.allocation.diskGib}Gi` }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `hall-${p.name}`, labels: { 'app.kubernetes.io/managed-by': 'hall', 'hall.project': p.name } },
    spec: {
      restartPolicy: 'Always',
      containers: [{
        name: 'app',
        image: p.image,
        ports: [{ containerPort: p.containerPort, hostPort: p.port, protocol: 'TCP' }],
        resources: { limits: resources, requests: resources }
      }]
    }
  }
}

test('pod yaml: a v1 Pod named hall-<name>, labelled, with the ports and the allocation as limits and requests', () => {
  assert.deepEqual(readEveryWay(renderPodYaml(acme)), expectedPod(acme, '1500m'))
})

test('pod yaml: the same project gives the same bytes', () => {
  // the same fields built in another order
  const reordered = Object.fromEntries(Object.entries({ ...acme, allocation: { diskGib: 4, memoryMib: 512, cpu: 1.5 } }).reverse()) as unknown as ProjectSpec
  assert.equal(renderPodYaml(reordered), renderPodYaml(acme))
  assert.match(renderPodYaml(acme), /^\{\n {2}"apiVersion": "v1",\n {2}"kind": "Pod",\n[^]*\n\}\n$/)
})

const cpuCases = [
  { cores: 1.5, text: '1500m' },
  { cores: 0.5, text: '500m' },
  { cores: 2, text: '2000m' },
  { cores: 0.1 + 0.2, text: '300m' }, // 0.30000000000000004 in binary
  { cores: 0.001, text: '1m' }
]
for (const c of cpuCases) {
  test(`pod yaml: ${c.cores} cores is cpu "${c.text}" (whole millicores)`, () => {
    const p = pod({ allocation: { cpu: c.cores, memoryMib: 256, diskGib: 1 } })
    assert.deepEqual(readEveryWay(renderPodYaml(p)), expectedPod(p, c.text))
  })
}

// a label value YAML 1.1 would read as a boolean, null or number if it were left bare
for (const name of ['no', 'on', 'yes', 'null', '0777', '1e3', '0x1f']) {
  test(`pod yaml: project name "${name}" stays a string for a YAML 1.1 reader`, () => {
    const labels = (readEveryWay(renderPodYaml(pod({ name }))) as { metadata: { labels: Record<string, unknown> } }).metadata.labels
    assert.equal(labels['hall.project'], name)
  })
}

const hostileImages = [
  'nginx\nkind: Secret',
  'nginx: latest',
  'x\n  - name: sidecar\n    image: evil',
  '"\n}, "hostNetwork": true, "x": {"',
  '---\napiVersion: v1\nkind: Pod',
  '# comment',
  '{a: b}',
  '[x, y]',
  '*alias',
  '&anchor x',
  '!!binary x',
  '|\n  block',
  "it's",
  'back\\slash',
  'no',
  '~',
  ' leading and trailing ',
  'cr\rkind: Secret',
  'tab\there',
  'nul\u0000byte',
  'del\u007f',
  'next line\u0085kind: Secret', // a line break in YAML 1.1
  'line sep\u2028kind: Secret', // likewise
  'para sep\u2029kind: Secret',
  'bom\ufeff',
  'emoji 😀',
  ''
]
for (const image of hostileImages) {
  test(`pod yaml: image ${JSON.stringify(image)} is one quoted string, never structure`, () => {
    const text = renderPodYaml(pod({ image }))
    assert.deepEqual(readEveryWay(text), expectedPod(pod({ image }), '1500m'))
    // printable ASCII and newlines only: nothing a YAML reader could take for a line break or a BOM
    assert.match(text, /^[\x20-\x7e\n]*$/)
  })
}

const refusedNames = ['', 'Acme', 'acme\nkind: Secret', 'acme: x', '-acme', 'acme-', 'a_b', 'a.b', 'x'.repeat(64), 'acme ']
for (const name of refusedNames) {
  test(`pod yaml: project name ${JSON.stringify(name)} is refused`, () => {
    assert.throws(() => renderPodYaml(pod({ name })), (err: unknown) => err instanceof TypeError && err.message.includes('DNS label'))
  })
}

test('pod yaml: a 63-character name is a DNS label and names the pod', () => {
  assert.equal(podNameOf('a'.repeat(63)), `hall-${'a'.repeat(63)}`)
})

const refusedNumbers: Array<{ name: string, spec: Partial<ProjectSpec>, says: RegExp }> = [
  { name: 'cpu 0 (podman: no limit)', spec: { allocation: { cpu: 0, memoryMib: 512, diskGib: 4 } }, says: /allocation cpu is 0, expected/ },
  { name: 'cpu rounding to 0 millicores', spec: { allocation: { cpu: 0.0004, memoryMib: 512, diskGib: 4 } }, says: /allocation cpu is 0.0004/ },
  { name: 'cpu NaN', spec: { allocation: { cpu: Number.NaN, memoryMib: 512, diskGib: 4 } }, says: /allocation cpu is NaN/ },
  { name: 'negative cpu', spec: { allocation: { cpu: -1, memoryMib: 512, diskGib: 4 } }, says: /allocation cpu is -1/ },
  { name: 'memory 0 (podman: no limit)', spec: { allocation: { cpu: 1, memoryMib: 0, diskGib: 4 } }, says: /allocation memoryMib is 0/ },
  { name: 'fractional memory', spec: { allocation: { cpu: 1, memoryMib: 1.5, diskGib: 4 } }, says: /allocation memoryMib is 1.5/ },
  { name: 'infinite disk', spec: { allocation: { cpu: 1, memoryMib: 512, diskGib: Infinity } }, says: /allocation diskGib is Infinity/ },
  { name: 'port 0', spec: { port: 0 }, says: /port 0: a TCP port/ },
  { name: 'container port 65536', spec: { containerPort: 65536 }, says: /containerPort 65536/ },
  { name: 'fractional port', spec: { port: 80.5 }, says: /port 80.5/ }
]
for (const c of refusedNumbers) {
  test(`pod yaml: ${c.name} is refused`, () => {
    assert.throws(() => renderPodYaml(pod(c.spec)), (err: unknown) => err instanceof TypeError && c.says.test(err.message))
  })
}
