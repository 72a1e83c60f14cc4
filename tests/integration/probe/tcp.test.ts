import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { once } from 'node:events'
import { probeTcp } from '../../../service/src/probe/tcp.js'

async function listen (server: Server): Promise<number> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  assert.ok(address !== null && typeof address === 'object')
  return address.port
}

/** A port that was free a moment ago: bound, then released. */
async function closedPort (): Promise<number> {
  const server = createServer()
  const port = await listen(server)
  await new Promise(resolve => server.close(resolve))
  return port
}

test('a listening port is ok and alive, and the probe closes its socket', { timeout: 5_000 }, async t => {
  // reads so it notices the probe hanging up
  const server = createServer(socket => socket.on('error', () => {}).resume())
  t.after(() => server.close())
  const port = await listen(server)

  const accepted = once(server, 'connection')
  const result = await probeTcp('127.0.0.1', port, 1_000)
  assert.deepEqual({ ...result, durationMs: 0 }, {
    type: 'tcp', target: `127.0.0.1:${port}`, ok: true, alive: true, reason: null, status: null, durationMs: 0
  })
  // the server side sees the probe's socket go away rather than lingering
  const [serverSide] = await accepted
  if (!serverSide.destroyed) await once(serverSide, 'close')
})

test('a closed port is refused at once and not alive', async () => {
  const port = await closedPort()
  const started = performance.now()
  const result = await probeTcp('127.0.0.1', port, 10_000)
  assert.equal(result.ok, false)
  assert.equal(result.alive, false)
  assert.equal(result.reason, 'refused')
  assert.ok(performance.now() - started < 2_000, 'refusal must not wait for the timeout')
})

test('an aborted caller gets an error result without a connection', async t => {
  let connections = 0
  const server = createServer(socket => { connections++; socket.destroy() })
  t.after(() => server.close())
  const port = await listen(server)

  const result = await probeTcp('127.0.0.1', port, 1_000, AbortSignal.abort())
  assert.equal(result.ok, false)
  assert.equal(result.reason, 'error')
  assert.equal(connections, 0)
})
