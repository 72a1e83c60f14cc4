import assert from 'node:assert/strict'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { test, type TestContext } from 'node:test'
import { setTimeout as delay } from 'node:timers/promises'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { startHall, type HallProcess } from '../../helpers/hall-process.js'

// `hall serve` as systemd and compose run it: SIGTERM, then SIGKILL after TimeoutStopSec=20s.
// Exiting within 10 s leaves room under that for the store and the fleet to close.
const EXIT_WITHIN_MS = 10_000
const DOMAIN = 'app.hall.test'

async function startServe (t: TestContext): Promise<HallProcess> {
  // the server stays asleep (closed health port); its magic packets go to the discard port
  const config = writeLoopbackConfig({ udpPort: 9, httpPort: await freePort(), domain: DOMAIN })
  const hall = await startHall({ configFile: config.file })
  t.after(async () => {
    await hall.stop()
    config.cleanup()
  })
  return hall
}

async function openSocket (t: TestContext, port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  t.after(() => { socket.destroy() })
  await once(socket, 'connect')
  return socket
}

interface RawAnswer { status: number, headers: Record<string, string>, body: string }

/** Reads one HTTP/1.1 answer with a Content-Length off a raw socket, leaving the socket open. */
async function readAnswer (socket: Socket): Promise<RawAnswer> {
  return await new Promise((resolve, reject) => {
    let text = ''
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1')
      const end = text.indexOf('\r\n\r\n')
      if (end === -1) return
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n')
      const headers = Object.fromEntries(lines.map(l => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]))
      const body = text.slice(end + 4)
      if (body.length < Number(headers['content-length'] ?? 0)) return
      done()
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body })
    }
    const onEnd = (): void => {
      done()
      reject(new Error(`the connection ended before a whole answer arrived: ${JSON.stringify(text)}`))
    }
    const done = (): void => {
      socket.off('data', onData).off('end', onEnd).off('close', onEnd)
    }
    socket.on('data', onData).once('end', onEnd).once('close', onEnd)
  })
}

/** Resolves once Hall refuses new connections: its listener is closed, the grace period has begun. */
async function listenerClosed (port: number): Promise<void> {
  const end = Date.now() + 5000
  while (Date.now() < end) {
    const refused = await new Promise<boolean>(resolve => {
      const probe = connect(port, '127.0.0.1')
      probe.once('connect', () => { probe.destroy(); resolve(false) })
      probe.once('error', () => resolve(true))
    })
    if (refused) return
    await delay(20)
  }
  throw new Error('Hall still accepts connections 5 s after SIGTERM')
}

test('SIGTERM: Hall exits within seconds while a client sends its headers one byte every 500 ms', { timeout: 30_000 }, async (t) => {
  const hall = await startServe(t)
  const slow = await openSocket(t, hall.port)
  const request = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(100)}\r\n\r\n`
  let sent = 0
  let drip: NodeJS.Timeout | undefined
  // once the second byte goes out, Hall has had the first for 500 ms: the request has begun, so
  // the connection is not idle and Hall cannot close it at once
  const begun = new Promise<void>(resolve => {
    drip = setInterval(() => {
      if (sent < request.length && !slow.destroyed) slow.write(request[sent++]!)
      if (sent === 2) resolve()
    }, 500)
  })
  t.after(() => clearInterval(drip))
  slow.on('error', () => {}) // Hall ends this connection: that is the point
  await begun

  const signalledAt = Date.now()
  hall.signal('SIGTERM')
  const outcome = await Promise.race([hall.exited, delay(EXIT_WITHIN_MS, 'still running' as const)])
  assert.notEqual(outcome, 'still running', `hall serve still runs ${EXIT_WITHIN_MS} ms after SIGTERM:\n${hall.logs()}`)
  assert.deepEqual(outcome, { code: 0, signal: null }, hall.logs())
  assert.ok(sent < request.length, 'the slow request never finished: Hall did not wait for it')
  t.diagnostic(`exited ${Date.now() - signalledAt} ms after SIGTERM`)
})

test('SIGTERM: requests reaching Hall during the grace period get 503 HALL_ERR_SHUTTING_DOWN, on forward-auth and elsewhere', { timeout: 30_000 }, async (t) => {
  const hall = await startServe(t)
  const nextRequests = [
    { name: 'forward-auth', head: `GET /forward-auth HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Host: ${DOMAIN}\r\nX-Forwarded-Uri: /\r\nAccept: text/html\r\n` },
    { name: 'status API', head: 'GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n' }
  ]
  const connections = []
  for (const next of nextRequests) {
    // kept alive after a first answer, and already sending its next request when SIGTERM comes
    const socket = await openSocket(t, hall.port)
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    assert.equal((await readAnswer(socket)).status, 200)
    socket.write(next.head)
    connections.push({ ...next, socket })
  }
  // holds the grace period open for the whole test, as a slow client would
  const slow = await openSocket(t, hall.port)
  slow.on('error', () => {})
  slow.write('GET /healthz HTTP/1.1\r\n')

  hall.signal('SIGTERM')
  await listenerClosed(hall.port)
  for (const c of connections) {
    c.socket.write('\r\n')
    const answer = await readAnswer(c.socket)
    assert.equal(answer.status, 503, `${c.name}: ${answer.body}`)
    assert.equal(answer.headers['retry-after'], '1', c.name)
    assert.equal(answer.headers.connection, 'close', `${c.name}: the proxy retries on a new connection`)
    assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8', c.name)
    assert.deepEqual(JSON.parse(answer.body), { error: 'HALL_ERR_SHUTTING_DOWN', message: 'Hall is shutting down' }, c.name)
  }
  const outcome = await Promise.race([hall.exited, delay(EXIT_WITHIN_MS, 'still running' as const)])
  assert.deepEqual(outcome, { code: 0, signal: null }, hall.logs())
})
