import { createSocket } from 'node:dgram'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createTcpServer } from 'node:net'
import { normalizeMac } from '../config/mac.js'
import { parseMagicPacket } from '../power/magic-packet.js'

// A pretend LAN machine for the demo and the integration tests: it is "off" (HTTP port closed,
// so connections are refused like a powered-off host) until its magic packet arrives on UDP,
// then "boots": the port opens after aliveAfterMs answering 503, and after readyAfterMs
// (counted from the packet) it serves 200. `POST /power-off` is its power button: what a
// shutdown command run over SSH presses in the tests, like `systemctl poweroff` on a real machine.

export type SimulatedState = 'off' | 'booting' | 'up'

export interface SimulatedServerOptions {
  name: string
  mac: string // 'aa:bb:cc:dd:ee:ff'
  udpPort: number // 0 = any
  httpPort: number // 0 = any
  host?: string // default 127.0.0.1
  aliveAfterMs: number
  readyAfterMs: number
  /** How long a power-off takes, from `POST /power-off` to the port closing (default 300 ms). */
  powerOffAfterMs?: number
  log?: (msg: string) => void
}

export interface SimulatedServer {
  readonly udpPort: number
  readonly httpPort: number
  readonly wakeCount: number // magic packets for its MAC received, in any state
  readonly powerOffs: number // `POST /power-off` received while up
  readonly state: SimulatedState
  sleep (): Promise<void> // power off again: close the HTTP listener
  close (): Promise<void>
}

export async function startSimulatedServer (opts: SimulatedServerOptions): Promise<SimulatedServer> {
  const host = opts.host ?? '127.0.0.1'
  const mac = normalizeMac(opts.mac)
  if (mac === null) throw new Error(`simulated server ${opts.name}: not a MAC address: ${JSON.stringify(opts.mac)}`)
  const log = opts.log ?? (() => {})
  // While off nothing listens, yet callers need the port up front (to write a config), so
  // reserve one now and listen on it at "boot". Another process could take it meanwhile;
  // on a test box that is rare enough, and the boot then logs the failure.
  const httpPort = opts.httpPort !== 0 ? opts.httpPort : await reservePort(host)
  let state: SimulatedState = 'off'
  let wakeCount = 0
  let powerOffs = 0
  let timers: NodeJS.Timeout[] = []
  let http: Server | null = null
  let listening: Promise<void> = Promise.resolve()

  const udp = createSocket('udp4')
  udp.on('message', (buf) => {
    if (parseMagicPacket(buf)?.mac !== mac) return
    wakeCount++
    log(`${opts.name}: magic packet #${wakeCount} (${state})`)
    // a real NIC ignores WoL once the machine is on, so a second packet does not restart the boot
    if (state === 'off') boot()
  })
  await new Promise<void>((resolve, reject) => {
    udp.once('error', (err) => { udp.close(); reject(err) })
    udp.bind({ port: opts.udpPort, address: host }, () => {
      udp.removeAllListeners('error')
      udp.on('error', err => log(`${opts.name}: udp error ${err.message}`))
      resolve()
    })
  })
  const udpPort = udp.address().port

  function boot (): void {
    state = 'booting'
    timers.push(setTimeout(() => { listening = openHttp() }, opts.aliveAfterMs))
    timers.push(setTimeout(() => {
      state = 'up'
      log(`${opts.name}: up`)
    }, opts.readyAfterMs))
  }

  async function openHttp (): Promise<void> {
    const srv = createHttpServer((req, res) => {
      if (state !== 'up') {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '1' })
        res.end('booting\n')
        return
      }
      const path = req.url ?? '/'
      if (path === '/power-off' && req.method === 'POST') {
        powerOffs++
        log(`${opts.name}: powering off`)
        res.writeHead(202, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
        res.end('powering off\n')
        timers.push(setTimeout(() => { void sleep() }, opts.powerOffAfterMs ?? 300))
        return
      }
      if (path === '/health' || path.startsWith('/health?')) {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ status: 'ok', name: opts.name }))
        return
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(page(opts.name, path))
    })
    http = srv
    await new Promise<void>((resolve) => {
      srv.once('error', (err) => {
        log(`${opts.name}: cannot listen on ${host}:${httpPort}: ${err.message}`)
        http = null
        resolve()
      })
      srv.listen({ port: httpPort, host }, () => {
        log(`${opts.name}: listening on ${host}:${httpPort}`)
        resolve()
      })
    })
  }

  async function sleep (): Promise<void> {
    for (const t of timers) clearTimeout(t)
    timers = []
    await listening // a listen in progress must finish before it can be closed
    const srv = http
    http = null
    if (state !== 'off') log(`${opts.name}: powered off`)
    state = 'off'
    if (srv === null) return
    // keep-alive sockets would otherwise hold close() open (and keep answering)
    srv.closeAllConnections()
    await new Promise<void>(resolve => srv.close(() => resolve()))
  }

  return {
    udpPort,
    httpPort,
    get wakeCount () { return wakeCount },
    get powerOffs () { return powerOffs },
    get state () { return state },
    sleep,
    async close () {
      await sleep()
      await new Promise<void>(resolve => udp.close(() => resolve()))
    }
  }
}

function page (name: string, path: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(name)}</title></head>
<body><h1>Hello from ${escapeHtml(name)}</h1><p>You asked for <code>${escapeHtml(path)}</code>.</p></body></html>
`
}

function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

async function reservePort (host: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createTcpServer()
    srv.once('error', reject)
    srv.listen({ port: 0, host }, () => {
      const addr = srv.address()
      const port = addr !== null && typeof addr === 'object' ? addr.port : 0
      srv.close(() => port > 0 ? resolve(port) : reject(new Error('no port')))
    })
  })
}
