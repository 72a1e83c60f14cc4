import test from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPodmanStandIn } from '../../helpers/podman-stand-in.js'

/** The forced command deploy/README.md gives Hall's key on the testing server, as a reader would copy it. */
function hallPodsScript (): string {
  const readme = readFileSync(new URL('../../../deploy/README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('## 12. Client projects')).split(/\n## /)[0]!
  const block = /Save as `\/usr\/local\/bin\/hall-pods`[^\n]*\n\n```sh\n([\s\S]*?)```/.exec(section)?.[1]
  assert.ok(block, 'section 12 shows /usr/local/bin/hall-pods in a ```sh block')
  return block
}

test('deploy/README.md\'s hall-pods runs kube play and kube down with the pod on stdin, and refuses any other command', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hall-pods-'))
  const podman = await createPodmanStandIn()
  t.after(async () => { await podman.remove(); rmSync(dir, { recursive: true, force: true }) })
  const script = join(dir, 'hall-pods')
  writeFileSync(script, hallPodsScript())
  chmodSync(script, 0o755)
  // as sshd runs a forced command: the client's command only in SSH_ORIGINAL_COMMAND
  const run = (command: string, stdin = ''): { status: number | null, stderr: string } => {
    const r = spawnSync(script, [], { input: stdin, encoding: 'utf8', env: { PATH: `${podman.dir}:/usr/bin:/bin`, SSH_ORIGINAL_COMMAND: command } })
    return { status: r.status, stderr: r.stderr }
  }

  assert.equal(run('podman kube play --replace -', '{"kind":"Pod"}').status, 0)
  assert.equal(run('podman kube down -', '{"kind":"Pod"}').status, 0)
  for (const refused of ['podman run --privileged alpine', 'podman kube play --replace -; rm -rf ~', 'podman kube play --replace /etc/passwd', 'sh', '']) {
    const r = run(refused)
    assert.equal(r.status, 1, refused)
    assert.match(r.stderr, /refused/)
  }
  assert.deepEqual((await podman.calls()).map(c => ({ args: c.args, stdin: c.stdin })), [
    { args: ['kube', 'play', '--replace', '-'], stdin: '{"kind":"Pod"}' },
    { args: ['kube', 'down', '-'], stdin: '{"kind":"Pod"}' }
  ])
})
