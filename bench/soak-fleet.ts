import { createSocket } from 'node:dgram'
import { renameSync, writeFileSync } from 'node:fs'
import { startSimulatedServer, type SimulatedServer } from '../service/src/demo/sim-server.js'
import { buildMagicPacket } from '../service/src/power/magic-packet.js'

/**
 * The soak's LAN: simulated servers on loopback that flap between up and down every few seconds,
 * and the domains.json that names them, rewritten every minute with one domain swapped for a new
 * one so each rewrite is a real change for Hall to reload.
 */

export const SOAK_SUFFIX = '.soak.test'

export interface SoakServer {
  readonly name: string
  readonly mac: string
  readonly sim: SimulatedServer
  /** Its stable domains: traffic goes to these. */
  readonly domains: readonly string[]
}

export interface SoakFleet {
  readonly servers: readonly SoakServer[]
  /** Domain → server name, for the stable domains. */
  readonly serverOf: ReadonlyMap<string, string>
  /** The domain that changes with each rewrite, on the first server. */
  generationDomain (generation: number): string
  /** Writes domains.json for this generation (atomically: a rename, as editors do). */
  writeConfig (file: string, generation: number): void
  /** Flips every server between up and down at random intervals until stop(). */
  startFlapping (minMs: number, maxMs: number): void
  /** Power-offs and boots the flapping caused, by hand (boots Hall asked for show in the sims' wake counts). */
  flips (): { powerOffs: number, handBoots: number }
  close (): Promise<void>
}

export async function startSoakFleet (count: number, domainsPerServer: number): Promise<SoakFleet> {
  const servers: SoakServer[] = []
  for (let i = 0; i < count; i++) {
    const name = `sim-${i}`
    const mac = `02:50:00:00:00:${i.toString(16).padStart(2, '0')}`
    // boots in about a second, like a very fast machine: many cycles per minute
    const sim = await startSimulatedServer({ name, mac, udpPort: 0, httpPort: 0, aliveAfterMs: 300, readyAfterMs: 900, powerOffAfterMs: 100 })
    const domains = Array.from({ length: domainsPerServer }, (_, d) => `app-${d}.${name}${SOAK_SUFFIX}`)
    servers.push({ name, mac, sim, domains })
  }
  const serverOf = new Map(servers.flatMap(s => s.domains.map(d => [d, s.name] as const)))
  const udp = createSocket('udp4')
  const timers = new Set<NodeJS.Timeout>()
  let stopped = false
  let powerOffs = 0
  let handBoots = 0

  const configText = (generation: number): string => {
    const serverEntries = Object.fromEntries(servers.map(s => [s.name, {
      ip: '127.0.0.1',
      mac: s.mac,
      policy: 'on_demand',
      wake: { method: 'udp', broadcast: '127.0.0.1', port: s.sim.udpPort },
      health: [{ type: 'http', url: `http://127.0.0.1:${s.sim.httpPort}/health`, expect_status: 200 }],
      probe_interval_seconds: 1,
      probe_timeout_seconds: 1,
      wake_timeout_seconds: 20
    }]))
    const domains: Record<string, unknown> = {}
    for (const s of servers) for (const d of s.domains) domains[d] = { server: s.name, upstream: `http://127.0.0.1:${s.sim.httpPort}` }
    domains[`gen-${generation}${SOAK_SUFFIX}`] = { server: servers[0]!.name, upstream: `http://127.0.0.1:${servers[0]!.sim.httpPort}` }
    return JSON.stringify({ servers: serverEntries, domains }, null, 2)
  }

  function flip (server: SoakServer): void {
    if (server.sim.state === 'up') {
      powerOffs++
      void server.sim.sleep()
    } else if (server.sim.state === 'off') {
      // powered on by hand, as a person at the machine would: Hall notices it by its probes
      handBoots++
      udp.send(buildMagicPacket(server.mac), server.sim.udpPort, '127.0.0.1')
    }
  }

  function schedule (server: SoakServer, minMs: number, maxMs: number): void {
    if (stopped) return
    const timer = setTimeout(() => {
      timers.delete(timer)
      flip(server)
      schedule(server, minMs, maxMs)
    }, minMs + Math.random() * (maxMs - minMs))
    timers.add(timer)
  }

  return {
    servers,
    serverOf,
    generationDomain: generation => `gen-${generation}${SOAK_SUFFIX}`,
    writeConfig (file, generation) {
      writeFileSync(`${file}.tmp`, configText(generation))
      renameSync(`${file}.tmp`, file)
    },
    startFlapping (minMs, maxMs) { for (const s of servers) schedule(s, minMs, maxMs) },
    flips: () => ({ powerOffs, handBoots }),
    async close () {
      stopped = true
      for (const t of timers) clearTimeout(t)
      await Promise.all(servers.map(s => s.sim.close()))
      await new Promise<void>(resolve => udp.close(() => resolve()))
    }
  }
}
