import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { parseConfig } from '../../service/src/config/load.js'
import type { ServerConfig } from '../../service/src/config/types.js'
import type { ShutdownReport, WakeReport } from '../../service/src/ports/power.js'
import type { ProbeOutcome } from '../../service/src/ports/probe.js'
import type { LifecycleLog } from '../../service/src/lifecycle/ports.js'
import { createSupervisor, type Supervisor } from '../../service/src/lifecycle/supervisor.js'
import { openHallStore, type HallStore } from '../../service/src/store/index.js'
import { createFakeClock, type FakeClock } from './fake-clock.js'

const silent = { info () {}, warn () {}, error () {} }

/** A scripted machine: what probes see, and what the power layer did to it. */
export interface Machine {
  alive: boolean
  ready: boolean
  wakes: number
  busyChecks: number
  shutdownCommands: number
  /** What the next busy checks answer. */
  busy: boolean
  /** The shutdown command powers the machine off (false: it keeps answering). */
  obeysShutdown: boolean
  /** A wake brings the machine up at once (false: the packet is lost). */
  obeysWake: boolean
}

export interface Harness {
  readonly server: ServerConfig
  readonly store: HallStore
  readonly clock: FakeClock
  readonly machine: Machine
  supervisor: Supervisor
  /** Advances fake time in steps, letting probe and power promises settle between timers. */
  advance (ms: number, step?: number): Promise<void>
  /** Stops the supervisor and starts a new one over the same database, as a restart of Hall would. */
  restart (): Supervisor
}

export interface HarnessOptions {
  /** The server's entry in domains.json (ip, mac and a relay are filled in). */
  readonly server?: Record<string, unknown>
  readonly start?: number
  /** Rows a previous run of Hall left behind. */
  readonly history?: (store: HallStore, now: number) => void
  /** Silent unless a test reads what the supervisor logs. */
  readonly log?: LifecycleLog
}

/** One supervisor over a real SQLite file, driven by a fake clock; the LAN is a script. */
export function supervisorHarness (t: TestContext, options: HarnessOptions = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'hall-policy-'))
  const store = openHallStore(join(dir, 'hall.db'))
  const clock = createFakeClock(options.start)
  options.history?.(store, clock.now())
  const server = parseConfig(JSON.stringify({
    relays: { admin: { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any' } },
    servers: { lab: { ip: '127.0.0.1', mac: '02:00:00:00:00:07', wake_timeout_seconds: 60, ...options.server } },
    domains: { 'app.hall.test': { server: 'lab', upstream: 'http://127.0.0.1:9' } }
  })).servers.get('lab')!
  const machine: Machine = { alive: false, ready: false, wakes: 0, busyChecks: 0, shutdownCommands: 0, busy: false, obeysShutdown: true, obeysWake: true }

  const build = (): Supervisor => createSupervisor({
    server,
    clock,
    store,
    log: options.log ?? silent,
    onChange: () => {},
    prober: { probe: async (): Promise<ProbeOutcome> => ({ alive: machine.alive, ready: machine.ready, checks: [] }) },
    waker: {
      wake: async (): Promise<WakeReport> => {
        machine.wakes++
        if (machine.obeysWake) { machine.alive = true; machine.ready = true }
        return { method: 'udp', packetsSent: 3, exitCode: null, stderr: null, durationMs: 1 }
      }
    },
    shutdowner: {
      isBusy: async () => { machine.busyChecks++; return machine.busy },
      shutdown: async (): Promise<ShutdownReport> => {
        machine.shutdownCommands++
        if (machine.obeysShutdown) { machine.alive = false; machine.ready = false }
        return { exitCode: 0, stderr: '', durationMs: 1 }
      }
    }
  })

  const harness: Harness = {
    server,
    store,
    clock,
    machine,
    supervisor: build(),
    async advance (ms, step = 250) {
      for (let done = 0; done < ms; done += step) {
        clock.advance(Math.min(step, ms - done))
        for (let i = 0; i < 3; i++) await new Promise(resolve => setImmediate(resolve))
      }
    },
    restart () {
      harness.supervisor.stop()
      harness.supervisor = build()
      harness.supervisor.start()
      return harness.supervisor
    }
  }
  t.after(() => { harness.supervisor.stop(); store.close(); rmSync(dir, { recursive: true, force: true }) })
  return harness
}

export const MINUTE = 60_000
