import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { probePing } from '../../../service/src/probe/ping.js'
import { missingTool } from '../../helpers/missing-tool.js'

test('ping 127.0.0.1: answers where ping exists and may open a socket, else says unavailable', async t => {
  const result = await probePing('127.0.0.1', 2_000)
  assert.equal(result.type, 'ping')
  assert.equal(result.target, '127.0.0.1')
  if (result.reason === 'unavailable') {
    // no ping binary, or no CAP_NET_RAW and no ping_group_range: a real outcome on users' machines,
    // but CI installs iputils-ping and runs as root, so there it must really ping
    t.diagnostic(missingTool('a usable ping (iputils-ping, allowed to open its socket)'))
    assert.deepEqual([result.ok, result.alive], [false, false])
  } else {
    assert.deepEqual([result.ok, result.alive, result.reason, result.status], [true, true, null, null])
  }
})

test('a missing ping binary is unavailable, not a dead host', async () => {
  const result = await probePing('127.0.0.1', 1_000, undefined, '/nonexistent/hall-test/ping')
  assert.deepEqual([result.ok, result.alive, result.reason], [false, false, 'unavailable'])
})

test('a host that looks like an option is refused without running ping', async () => {
  const result = await probePing('-f', 1_000, undefined, '/nonexistent/hall-test/ping')
  assert.equal(result.reason, 'error') // 'unavailable' would mean it tried to run the binary
})

// Stand-ins for ping's documented exits, so each outcome is checked whatever this machine allows.
const fakes = [
  { name: 'exit 1 (no reply)', script: 'exit 1', reason: 'timeout' },
  { name: 'exit 1 with an ICMP unreachable', script: 'echo "From 127.0.0.1 icmp_seq=1 Destination Host Unreachable"; exit 1', reason: 'unreachable' },
  { name: 'exit 2, socket not permitted', script: 'echo "ping: socket: Operation not permitted" >&2; exit 2', reason: 'unavailable' },
  { name: 'exit 2, unknown host', script: 'echo "ping: nohost: Name or service not known" >&2; exit 2', reason: 'error' }
]

async function fakePing (t: TestContext, body: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'hall-ping-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'ping')
  await writeFile(path, `#!/bin/sh\n${body}\n`)
  await chmod(path, 0o755)
  return path
}

const posix = process.platform !== 'win32'
for (const f of fakes) {
  test(`ping outcome: ${f.name}`, { skip: !posix }, async t => {
    const result = await probePing('127.0.0.1', 1_000, undefined, await fakePing(t, f.script))
    assert.deepEqual([result.ok, result.alive, result.reason], [false, false, f.reason])
  })
}

test('a ping that hangs is killed at the deadline', { skip: !posix, timeout: 5_000 }, async t => {
  // exec: the kill must reach the sleeping process itself, not a shell above it
  const path = await fakePing(t, 'exec sleep 5')
  const started = performance.now()
  const result = await probePing('127.0.0.1', 200, undefined, path)
  const elapsed = performance.now() - started
  assert.deepEqual([result.ok, result.alive, result.reason], [false, false, 'timeout'])
  assert.ok(elapsed < 2000, `took ${elapsed} ms: the 5 s ping was not killed at its deadline`)
})

test('a caller abort stops ping early', { skip: !posix, timeout: 5_000 }, async t => {
  const path = await fakePing(t, 'exec sleep 5')
  const result = await probePing('127.0.0.1', 3_000, AbortSignal.timeout(100), path)
  assert.deepEqual([result.ok, result.reason], [false, 'error'])
  assert.ok(result.durationMs < 1_000, `took ${result.durationMs} ms`)
})
