import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import { parse } from 'yaml'
import type { ProjectHosting, RelayConfig } from '../../../service/src/config/types.js'
import { isHallError } from '../../../service/src/errors.js'
import { renderPodYaml } from '../../../service/src/projects/pod-yaml.js'
import { createPodman, podmanFailureReason } from '../../../service/src/projects/podman.js'
import type { ProjectSpec } from '../../../service/src/projects/types.js'
import { createPodmanStandIn, type PodmanStandIn } from '../../helpers/podman-stand-in.js'
import { startSshd, type TestSshd } from '../../helpers/sshd.js'
import { acmeSpec } from '../../fixtures/projects.js'

let standIn: PodmanStandIn
let sshd: TestSshd
before(async () => {
  standIn = await createPodmanStandIn()
  sshd = await startSshd({ pathFirst: standIn.dir })
})
after(async () => {
  await sshd.stop()
  await standIn.remove()
})
beforeEach(async () => { await standIn.reset() })

const acme: ProjectSpec = acmeSpec

function hosting (relay: Partial<RelayConfig> = {}): ProjectHosting {
  return {
    capacity: { cpu: 8, memoryMib: 16384, diskGib: 200 },
    relay: {
      name: 'testing-admin',
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      privateKeyFile: sshd.privateKeyFile,
      hostKeySha256: sshd.hostKeySha256,
      commandTimeoutMs: 10_000,
      ...relay
    }
  }
}

interface PodShape {
  metadata: { name: string, labels: Record<string, string> }
  spec: { containers: Array<{ image: string, ports: Array<{ containerPort: number, hostPort: number }>, resources: { limits: Record<string, string> } }> }
}

test('podman: apply plays the pod YAML with podman kube play --replace -', async () => {
  await standIn.behave({ stdout: 'Pod:\n0123abcd\nContainer:\n4567ef01\n' })
  const outcome = await createPodman().apply(acme, hosting())
  assert.equal(outcome.command, 'podman kube play --replace -')
  assert.equal(outcome.exitCode, 0)
  assert.equal(outcome.stdout, 'Pod:\n0123abcd\nContainer:\n4567ef01\n')
  assert.equal(outcome.stderr, '')
  assert.ok(outcome.durationMs >= 0 && outcome.durationMs < 10_000)

  const calls = await standIn.calls()
  assert.equal(calls.length, 1)
  assert.deepEqual(calls[0]?.args, ['kube', 'play', '--replace', '-'])
  assert.equal(calls[0]?.stdin, renderPodYaml(acme))
  const pod = parse(calls[0]?.stdin ?? '', { version: '1.1' }) as PodShape
  assert.equal(pod.metadata.name, 'hall-acme')
  assert.equal(pod.metadata.labels['hall.project'], 'acme')
  const container = pod.spec.containers[0]
  assert.equal(container?.image, 'docker.io/library/nginx:1.27')
  assert.deepEqual(container?.ports.map(p => [p.containerPort, p.hostPort]), [[80, 18080]])
  assert.deepEqual(container?.resources.limits, { cpu: '1500m', memory: '512Mi', 'ephemeral-storage': '4Gi' })
})

test('podman: an edit re-plays the new spec over the old one', async () => {
  const podman = createPodman()
  await podman.apply(acme, hosting())
  await podman.apply({ ...acme, allocation: { cpu: 2, memoryMib: 1024, diskGib: 4 } }, hosting())
  const limits = (await standIn.calls()).map(c => (parse(c.stdin) as PodShape).spec.containers[0]?.resources.limits)
  assert.deepEqual(limits.map(l => [l?.cpu, l?.memory]), [['1500m', '512Mi'], ['2000m', '1024Mi']])
})

test('podman: remove takes the pod down with podman kube down - and the same YAML', async () => {
  const outcome = await createPodman().remove(acme, hosting())
  assert.equal(outcome.command, 'podman kube down -')
  assert.equal(outcome.exitCode, 0)
  const calls = await standIn.calls()
  assert.deepEqual(calls.map(c => c.args), [['kube', 'down', '-']])
  assert.equal(calls[0]?.stdin, renderPodYaml(acme))
})

test('podman: a failed play is an outcome with its exit code, stderr and a one-line reason', async () => {
  const stderr = 'Trying to pull docker.io/library/nginx:1.27...\nError: initializing source docker://nginx:1.27: pinging container registry: no route to host\n'
  await standIn.behave({ exitCode: 125, stderr })
  const outcome = await createPodman().apply(acme, hosting())
  assert.equal(outcome.exitCode, 125)
  assert.equal(outcome.stderr, stderr)
  assert.equal(podmanFailureReason(outcome),
    'podman kube play exited 125: initializing source docker://nginx:1.27: pinging container registry: no route to host')
})

test('podman: after a long pull log its error line still gives the reason, and what was kept is bounded', async () => {
  const progress = Array.from({ length: 400 }, (_, i) => `Copying blob sha256:${String(i).padStart(64, '0')} ${i * 1024} / 409600 bytes`).join('\n')
  const stderr = `Trying to pull docker.io/library/nginx:1.27...\n${progress}\nError: writing blob: adding layer with blob "sha256:0": no space left on device\n`
  await standIn.behave({ exitCode: 125, stderr })
  const outcome = await createPodman().apply(acme, hosting())
  assert.ok(Buffer.byteLength(stderr) > 30_000, 'a log far over what is kept')
  assert.ok(outcome.stderr.startsWith('Trying to pull docker.io/library/nginx:1.27...\n'), 'its start is kept')
  assert.ok(outcome.stderr.endsWith('no space left on device\n'), 'and its end')
  assert.match(outcome.stderr, /\n\[\d+ bytes left out\]\n/)
  assert.ok(Buffer.byteLength(outcome.stderr) < 4096, `${Buffer.byteLength(outcome.stderr)} bytes kept`)
  assert.equal(podmanFailureReason(outcome), 'podman kube play exited 125: writing blob: adding layer with blob "sha256:0": no space left on device')
})

test('podman: a wrong pinned host key runs nothing', async () => {
  const wrong = 'SHA256:' + 'A'.repeat(43)
  await assert.rejects(createPodman().apply(acme, hosting({ hostKeySha256: wrong })), (err: unknown) =>
    isHallError(err, 'HALL_ERR_SSH_HOST_KEY_MISMATCH'))
  // refused during the key exchange, before authentication: no channel, so no command, could follow
  assert.deepEqual(await standIn.calls(), [])
  // and the stand-in does record this very call once the key is right
  await createPodman().apply(acme, hosting())
  assert.equal((await standIn.calls()).length, 1)
})

test('podman: a podman that hangs hits the relay deadline', async () => {
  await standIn.behave({ hangSeconds: 10 })
  const started = performance.now()
  await assert.rejects(createPodman().apply(acme, hosting({ commandTimeoutMs: 1500 })), (err: unknown) =>
    isHallError(err, 'HALL_ERR_SSH_DEADLINE') && err.message.includes('1500 ms'))
  const waited = performance.now() - started
  assert.ok(waited >= 1400 && waited < 3000, `waited ${Math.round(waited)} ms`)
  // podman did start, with its whole YAML: the hang was the command's, not the connection's
  assert.deepEqual((await standIn.calls()).map(c => c.stdin), [renderPodYaml(acme)])
})

test('podman: an abort signal ends a running play', async () => {
  await standIn.behave({ hangSeconds: 10 })
  const controller = new AbortController()
  setTimeout(() => controller.abort(new Error('hall is stopping')), 300)
  await assert.rejects(createPodman().apply(acme, hosting(), controller.signal), /hall is stopping/)
})

test('podman: a spec that cannot make a pod is refused before connecting', async () => {
  let connections = 0
  const podman = createPodman({
    run: async () => { connections++; throw new Error('must not connect') }
  })
  await assert.rejects(podman.apply({ ...acme, name: 'Not A Label' }, hosting()), TypeError)
  await assert.rejects(podman.remove({ ...acme, allocation: { cpu: 0, memoryMib: 512, diskGib: 4 } }, hosting()), TypeError)
  assert.equal(connections, 0)
})
