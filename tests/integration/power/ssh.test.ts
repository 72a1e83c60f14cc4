import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { access, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import type { RelayConfig } from '../../../service/src/config/types.js'
import { isHallError } from '../../../service/src/errors.js'
import { runSshCommand } from '../../../service/src/power/ssh.js'
import { startSshd, type TestSshd } from '../../helpers/sshd.js'

let sshd: TestSshd
before(async () => { sshd = await startSshd() })
after(async () => { await sshd.stop() })

function relay (overrides: Partial<RelayConfig> = {}): RelayConfig {
  return {
    name: 'test-relay',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKeyFile: sshd.privateKeyFile,
    hostKeySha256: sshd.hostKeySha256,
    commandTimeoutMs: 10_000,
    ...overrides
  }
}

const exists = async (file: string): Promise<boolean> => await access(file).then(() => true, () => false)

// first in the file: no command has run yet in this process
test('ssh: ssh2 is loaded by the first command, not by importing the module', async () => {
  const ssh2Loaded = (): boolean => Object.keys(createRequire(import.meta.url).cache)
    .some(file => file.includes(`${path.sep}node_modules${path.sep}ssh2${path.sep}`))
  assert.equal(ssh2Loaded(), false)
  assert.equal((await runSshCommand(relay(), 'true')).exitCode, 0)
  assert.equal(ssh2Loaded(), true)
})

test('ssh: runs the command and returns stdout, stderr and exit code 0', async () => {
  const result = await runSshCommand(relay(), 'echo hello; echo note >&2')
  assert.equal(result.exitCode, 0)
  assert.equal(result.exitSignal, null)
  assert.equal(result.stdout, 'hello\n')
  assert.equal(result.stderr, 'note\n')
  assert.ok(result.durationMs >= 0 && result.durationMs < 10_000)
})

test('ssh: a non-zero exit is returned, not thrown', async () => {
  const result = await runSshCommand(relay(), 'echo "no such host" >&2; exit 3')
  assert.equal(result.exitCode, 3)
  assert.equal(result.stderr, 'no such host\n')
})

test('ssh: each stream keeps its first 1.5 KiB and its last 2 KiB, and says how much it left out', async () => {
  const result = await runSshCommand(relay(), "printf start; head -c 100000 /dev/zero | tr '\\0' x; printf end; head -c 9000 /dev/zero | tr '\\0' y >&2")
  assert.equal(result.stdout, `start${'x'.repeat(1531)}\n[96424 bytes left out]\n${'x'.repeat(2045)}end`)
  assert.equal(result.stderr, `${'y'.repeat(1536)}\n[5416 bytes left out]\n${'y'.repeat(2048)}`)
  const short = await runSshCommand(relay(), 'printf "all of it"')
  assert.equal(short.stdout, 'all of it', 'what fits is kept whole, unmarked')
})

test('ssh: a wrong pinned host key refuses before the command runs', async () => {
  const marker = path.join(sshd.dir, 'ran-despite-mismatch')
  const wrong = 'SHA256:' + 'A'.repeat(43)
  await assert.rejects(runSshCommand(relay({ hostKeySha256: wrong }), `touch ${marker}`), (err: unknown) =>
    isHallError(err, 'HALL_ERR_SSH_HOST_KEY_MISMATCH') && err.message.includes(wrong) && err.message.includes(sshd.hostKeySha256))
  // give a command that did slip through time to land, then prove the same command does create it
  await new Promise(resolve => setTimeout(resolve, 100))
  assert.equal(await exists(marker), false)
  await runSshCommand(relay(), `touch ${marker}`)
  assert.equal(await exists(marker), true)
})

test("ssh: 'insecure-accept-any' accepts any host key", async () => {
  const result = await runSshCommand(relay({ hostKeySha256: 'insecure-accept-any' }), 'echo ok')
  assert.equal(result.stdout, 'ok\n')
})

test('ssh: a hanging command hits the whole-command deadline', async () => {
  const started = performance.now()
  await assert.rejects(runSshCommand(relay({ commandTimeoutMs: 1500 }), 'sleep 30'), (err: unknown) =>
    isHallError(err, 'HALL_ERR_SSH_DEADLINE') && err.message.includes('1500 ms'))
  const waited = performance.now() - started
  assert.ok(waited >= 1400 && waited < 3000, `waited ${Math.round(waited)} ms`)
})

test('ssh: an abort signal ends the command early', async () => {
  const controller = new AbortController()
  setTimeout(() => controller.abort(new Error('hall is stopping')), 200)
  const started = performance.now()
  await assert.rejects(runSshCommand(relay(), 'sleep 30', controller.signal), /hall is stopping/)
  assert.ok(performance.now() - started < 2000)
})

test('ssh: stdin is written to the command, then closed', async () => {
  // cat ends only on EOF: an unclosed stdin would hang until the deadline
  const result = await runSshCommand(relay(), 'cat; echo done >&2', { stdin: 'kind: Pod\nname: a: b\n' })
  assert.equal(result.exitCode, 0)
  assert.equal(result.stdout, 'kind: Pod\nname: a: b\n')
  assert.equal(result.stderr, 'done\n')
})

test('ssh: a Buffer stdin larger than the channel window arrives whole', async () => {
  const stdin = randomBytes(3 * 1024 * 1024) // ssh2's default window is 2 MiB
  const result = await runSshCommand(relay(), 'sha256sum', { stdin })
  assert.equal(result.exitCode, 0)
  assert.equal(result.stdout, `${createHash('sha256').update(stdin).digest('hex')}  -\n`)
})

test('ssh: a command that exits without reading its stdin still returns its exit code', async () => {
  const result = await runSshCommand(relay(), 'exit 4', { stdin: Buffer.alloc(3 * 1024 * 1024) })
  assert.equal(result.exitCode, 4)
})

test('ssh: the options object carries the abort signal too', async () => {
  const controller = new AbortController()
  setTimeout(() => controller.abort(new Error('hall is stopping')), 200)
  await assert.rejects(runSshCommand(relay(), 'sleep 30', { signal: controller.signal, stdin: 'x' }), /hall is stopping/)
})

test('ssh: a missing key file is HALL_ERR_SSH_KEY_FILE naming the file', async () => {
  const file = path.join(sshd.dir, 'no-such-key')
  await assert.rejects(runSshCommand(relay({ privateKeyFile: file }), 'true'), (err: unknown) =>
    isHallError(err, 'HALL_ERR_SSH_KEY_FILE') && err.message.includes(file))
})

test('ssh: an unparsable key file is HALL_ERR_SSH_KEY_FILE without its contents', async () => {
  const file = path.join(sshd.dir, 'garbage-key')
  await writeFile(file, 'TOPSECRET-NOT-A-KEY\n')
  await assert.rejects(runSshCommand(relay({ privateKeyFile: file }), 'true'), (err: unknown) =>
    isHallError(err, 'HALL_ERR_SSH_KEY_FILE') && err.message.includes(file) && !err.message.includes('TOPSECRET'))
})

test('ssh: a key the relay does not know is HALL_ERR_SSH_AUTH', async () => {
  const file = path.join(sshd.dir, 'stranger_key')
  await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file])
  await assert.rejects(runSshCommand(relay({ privateKeyFile: file }), 'true'), (err: unknown) => isHallError(err, 'HALL_ERR_SSH_AUTH'))
})

test('ssh: a closed port is HALL_ERR_SSH_CONNECT', async () => {
  const server = net.createServer().listen(0, '127.0.0.1')
  await new Promise(resolve => server.once('listening', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise(resolve => server.close(resolve))
  await assert.rejects(runSshCommand(relay({ port }), 'true'), (err: unknown) =>
    isHallError(err, 'HALL_ERR_SSH_CONNECT') && err.message.includes(`:${port}`))
})
