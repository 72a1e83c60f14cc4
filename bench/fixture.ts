import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * The fleet the benchmark serves: generated, loopback-only. Wakes are real: their magic packets go
 * to 127.0.0.1:9, where nothing listens, so a woken server stays WAKING for the whole run.
 */

export interface BenchFleet {
  /** domains.json text, for parseConfig. */
  readonly configText: string
  /** One domain per awake server, and one per asleep server: the hosts the load is spread over. */
  readonly awakeDomains: readonly string[]
  readonly asleepDomains: readonly string[]
  /** Every domain with the phase its server must reach before measuring. */
  readonly expectedPhases: ReadonlyMap<string, 'RUNNING' | 'OFFLINE'>
}

export interface FleetShape {
  readonly servers: number
  readonly domainsPerServer: number
  /** Port of the loopback health endpoint answering 200: its servers probe RUNNING. */
  readonly healthyPort: number
  /** A closed loopback port: its servers probe OFFLINE. */
  readonly deadPort: number
}

/** The awake server that hosts the members case's client project. */
export const PROJECT_SERVER = 'awake-000'

/** Even-numbered servers are awake, odd ones asleep: half and half. */
export function generateFleet (shape: FleetShape): BenchFleet {
  const servers: Record<string, unknown> = {}
  const domains: Record<string, unknown> = {}
  const awakeDomains: string[] = []
  const asleepDomains: string[] = []
  const expectedPhases = new Map<string, 'RUNNING' | 'OFFLINE'>()

  for (let s = 0; s < shape.servers; s++) {
    const isAwake = s % 2 === 0
    const name = `${isAwake ? 'awake' : 'asleep'}-${String(s).padStart(3, '0')}`
    const port = isAwake ? shape.healthyPort : shape.deadPort
    servers[name] = {
      // loopback addresses only: nothing here may point at a real LAN, even with wakes stubbed
      ip: `127.1.${Math.floor(s / 250)}.${(s % 250) + 1}`,
      mac: `02:00:00:00:${hex(s >> 8)}:${hex(s & 0xff)}`,
      policy: 'on_demand',
      wake: { method: 'udp', broadcast: '127.0.0.1', port: 9 },
      health: [{ type: 'http', url: `http://127.0.0.1:${port}/health`, expect_status: 200 }],
      // probes must not disturb the measured window; the first probe still runs at start
      probe_interval_seconds: 60,
      probe_timeout_seconds: 1,
      // a woken server never boots here: it must stay WAKING (302s) rather than fail mid-run
      wake_timeout_seconds: 3600,
      // hosts the members case's project; its relay is never used (the project is seeded as played)
      ...(name === PROJECT_SERVER ? { capacity: { cpu: 4, memory_mib: 4096, disk_gib: 50 }, podman: { relay: 'unused' } } : {})
    }
    for (let d = 0; d < shape.domainsPerServer; d++) {
      const host = `app-${d}.${name}.bench.test`
      domains[host] = { server: name, upstream: `http://127.1.${Math.floor(s / 250)}.${(s % 250) + 1}:8080` }
      expectedPhases.set(host, isAwake ? 'RUNNING' : 'OFFLINE')
      if (d === 0) (isAwake ? awakeDomains : asleepDomains).push(host)
    }
  }
  const relays = { unused: { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any' } }
  return { configText: JSON.stringify({ relays, servers, domains }), awakeDomains, asleepDomains, expectedPhases }
}

function hex (byte: number): string {
  return byte.toString(16).padStart(2, '0').toUpperCase()
}

export interface Listening { readonly server: Server, readonly port: number, close (): Promise<void> }

export async function listen (server: Server): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve() })
  })
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}

/** The awake servers' health endpoint: one tiny server stands in for fifty machines. */
export function startHealthServer (): Promise<Listening> {
  return listen(createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-length': '0' })
    res.end()
  }))
}

/** A loopback port nobody listens on (reserved, then released): connections to it are refused. */
export async function reserveClosedPort (): Promise<number> {
  const reserved = await listen(createServer())
  await reserved.close()
  return reserved.port
}

/** Polls /api/status until every domain shows its expected phase, or throws listing the laggards. */
export async function waitForPhases (hallUrl: string, expected: ReadonlyMap<string, string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let wrong: string[] = []
  while (Date.now() < deadline) {
    const response = await fetch(`${hallUrl}/api/status`)
    const body = await response.json() as { domains: Array<{ domain: string, state: string }> }
    wrong = body.domains.filter(d => expected.get(d.domain) !== d.state).map(d => `${d.domain}: ${d.state}, expected ${expected.get(d.domain) ?? 'none'}`)
    if (wrong.length === 0 && body.domains.length === expected.size) return
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  throw new Error(`servers did not settle within ${timeoutMs} ms (${wrong.length} wrong), e.g.:\n  ${wrong.slice(0, 5).join('\n  ')}`)
}
