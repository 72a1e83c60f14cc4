import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { request } from 'node:http'
import { connect } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { startSimulatedServer, type SimulatedServer } from '../../../service/src/demo/sim-server.js'

const MAC = 'aa:bb:cc:dd:ee:01'
const ALIVE_MS = 100
const READY_MS = 300

// magic packet: 6 x 0xFF, then the MAC 16 times
function magic (mac: string): Buffer {
  const bytes = Buffer.from(mac.replace(/:/g, ''), 'hex')
  return Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => bytes)])
}

async function send (port: number, buf: Buffer): Promise<void> {
  const sock = createSocket('udp4')
  try {
    await new Promise<void>((resolve, reject) => sock.send(buf, port, '127.0.0.1', err => err ? reject(err) : resolve()))
  } finally {
    sock.close()
  }
}

// 'refused' for a powered-off machine, 'open' once something listens
async function tcpState (port: number): Promise<'open' | 'refused'> {
  return await new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' })
    s.once('connect', () => { s.destroy(); resolve('open') })
    s.once('error', (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED' ? resolve('refused') : reject(err))
  })
}

async function until<T> (what: string, fn: () => Promise<T | undefined>, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await delay(10)
  }
}

async function get (port: number, path: string): Promise<{ status: number, body: string, type: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`)
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') ?? '' }
}

async function start (t: { after: (fn: () => Promise<void>) => void }, readyAfterMs = READY_MS): Promise<SimulatedServer> {
  const sim = await startSimulatedServer({ name: 'erp', mac: MAC.toUpperCase(), udpPort: 0, httpPort: 0, aliveAfterMs: ALIVE_MS, readyAfterMs })
  t.after(() => sim.close())
  return sim
}

// up: 200 on a path, with its HTML
async function waitUp (sim: SimulatedServer): Promise<void> {
  await until('200', async () => (await tcpState(sim.httpPort)) === 'open' && (await get(sim.httpPort, '/')).status === 200 ? true : undefined)
}

test('the HTTP port is closed until the magic packet; other MACs and junk are ignored', async (t) => {
  const sim = await start(t)
  assert.equal(sim.state, 'off')
  assert.equal(await tcpState(sim.httpPort), 'refused')

  await send(sim.udpPort, magic('aa:bb:cc:dd:ee:02'))
  await send(sim.udpPort, Buffer.from('hello'))
  await send(sim.udpPort, magic(MAC).subarray(0, 60))
  await delay(ALIVE_MS + 100) // long enough for a wrongly accepted packet to open the port
  assert.equal(await tcpState(sim.httpPort), 'refused')
  assert.equal(sim.state, 'off')
  assert.equal(sim.wakeCount, 0)
})

test('after its packet: 503 "booting" once alive, then 200 once ready', async (t) => {
  const sim = await start(t)
  const t0 = Date.now()
  await send(sim.udpPort, magic(MAC))
  await until('wake counted', async () => sim.wakeCount === 1 ? true : undefined)
  assert.equal(sim.state, 'booting')

  await until('port open', async () => (await tcpState(sim.httpPort)) === 'open' ? true : undefined)
  assert.ok(Date.now() - t0 >= ALIVE_MS, 'listens no earlier than aliveAfterMs')
  const first = await get(sim.httpPort, '/any/path')
  // normally still booting; on a very slow box the 200 window may already have begun
  if (first.status !== 503) assert.ok(Date.now() - t0 >= READY_MS, 'a 200 only once ready')

  const health = await until('health 200', async () => {
    const r = await get(sim.httpPort, '/health')
    return r.status === 200 ? r : undefined
  })
  assert.ok(Date.now() - t0 >= READY_MS, 'ready no earlier than readyAfterMs')
  assert.equal(sim.state, 'up')
  assert.deepEqual(JSON.parse(health.body), { status: 'ok', name: 'erp' })

  const home = await get(sim.httpPort, '/a/b?q=1')
  assert.equal(home.status, 200)
  assert.match(home.type, /text\/html/)
  assert.match(home.body, /Hello from erp/)
  assert.match(home.body, /\/a\/b\?q=1/)
})

test('while booting every path answers 503 "booting"', async (t) => {
  const sim = await start(t, 60_000) // never ready during this test: no race with the 200
  await send(sim.udpPort, magic(MAC))
  await until('port open', async () => (await tcpState(sim.httpPort)) === 'open' ? true : undefined)
  for (const path of ['/', '/health', '/deep/path?x=1']) {
    const r = await get(sim.httpPort, path)
    assert.equal(r.status, 503, path)
    assert.equal(r.body.trim(), 'booting')
  }
  assert.equal(sim.state, 'booting')
})

test('the requested path is HTML-escaped on the page', async (t) => {
  const sim = await start(t)
  await send(sim.udpPort, magic(MAC))
  await waitUp(sim)
  // fetch would percent-encode < and >; a raw request sends them as they are
  const body = await new Promise<string>((resolve, reject) => {
    request({ host: '127.0.0.1', port: sim.httpPort, path: '/x/<script>&"\'' }, res => {
      let b = ''
      res.setEncoding('utf8').on('data', c => { b += c }).on('end', () => resolve(b))
    }).on('error', reject).end()
  })
  assert.ok(!body.includes('<script>'), body)
  assert.match(body, /\/x\/&#60;script&#62;&#38;&#34;&#39;/)
})

test('a packet while booting or up is counted but does not restart the boot', async (t) => {
  const sim = await start(t)
  await send(sim.udpPort, magic(MAC))
  await until('port open', async () => (await tcpState(sim.httpPort)) === 'open' ? true : undefined)
  await send(sim.udpPort, magic(MAC)) // while booting
  await waitUp(sim)
  await send(sim.udpPort, magic(MAC)) // while up
  await until('three packets', async () => sim.wakeCount === 3 ? true : undefined)
  assert.equal(sim.state, 'up')
  assert.equal((await get(sim.httpPort, '/')).status, 200)
})

test('sleep() powers it off: the port is refused again, and a new packet boots it again', async (t) => {
  const sim = await start(t)
  await send(sim.udpPort, magic(MAC))
  await waitUp(sim)

  await sim.sleep()
  assert.equal(sim.state, 'off')
  assert.equal(await tcpState(sim.httpPort), 'refused')

  await send(sim.udpPort, magic(MAC))
  await waitUp(sim)
  assert.equal(sim.wakeCount, 2)
})

test('sleep() during boot cancels it', async (t) => {
  const sim = await start(t)
  await send(sim.udpPort, magic(MAC))
  await until('booting', async () => sim.state === 'booting' ? true : undefined)
  await sim.sleep()
  await delay(READY_MS + 50)
  assert.equal(sim.state, 'off')
  assert.equal(await tcpState(sim.httpPort), 'refused')
})
