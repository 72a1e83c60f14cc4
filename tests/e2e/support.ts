import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import Database from 'better-sqlite3'
import { domainStatusSchema, type DomainStatus, type WakeJson } from '../../service/src/contract/status.js'
import { startSimulatedServer, type SimulatedServer } from '../../service/src/demo/sim-server.js'
import { startHall, type HallProcess } from '../helpers/hall-process.js'

// One sleeping LAN machine (the simulated server) behind one real Hall process, with a
// domains.json written for the sim's real ports. Shared by the e2e files.

export const DOMAIN = 'app.hall.test'
export const SIM_NAME = 'lab-app'
const MAC = '02:00:00:00:00:0a'

export interface After { after: (fn: () => Promise<void>) => void }

export interface SshRelay { port: number, user: string, privateKeyFile: string, hostKeySha256: string }

export interface StackOptions {
  aliveAfterMs: number
  readyAfterMs: number
  /** Wake through this relay with Debian's wakeonlan instead of sending UDP from Hall. */
  relay?: SshRelay
  /**
   * Shut down through this relay: the command it runs presses the simulated server's power
   * button (`POST /power-off`), as `systemctl poweroff` would. Without it, the server has no
   * shutdown command and Hall refuses to shut it down.
   */
  shutdownVia?: SshRelay
}

export interface Stack {
  sim: SimulatedServer
  hall: HallProcess
  /** GET /api/status/:domain, checked against the contract the CLI and the waiting page read. */
  status (): Promise<DomainStatus>
  /** Polls /api/status until `ok` holds; the error names the last status and Hall's log. */
  waitForStatus (ok: (s: DomainStatus) => boolean, timeoutMs: number, what: string): Promise<DomainStatus>
  /** Rows in Hall's `wakes` table, read from its SQLite file. */
  wakeRows (): number
  /** Messages of Hall's events of one kind, oldest first, read from its SQLite file. */
  eventMessages (kind: string): string[]
}

export async function startStack (t: After, opts: StackOptions): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'hall-e2e-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const sim = await startSimulatedServer({
    name: SIM_NAME, mac: MAC, udpPort: 0, httpPort: 0, aliveAfterMs: opts.aliveAfterMs, readyAfterMs: opts.readyAfterMs
  })
  t.after(() => sim.close())
  const configFile = join(dir, 'domains.json')
  await writeFile(configFile, JSON.stringify(domainsJson(sim, opts.relay, opts.shutdownVia), null, 2))
  const hall = await startHall({ configFile })
  t.after(() => hall.stop())

  const status = async (): Promise<DomainStatus> => {
    const res = await fetch(`${hall.url}/api/status/${DOMAIN}`, { signal: AbortSignal.timeout(2000) })
    if (res.status !== 200) throw new Error(`GET /api/status/${DOMAIN} answered ${res.status}: ${await res.text()}`)
    return domainStatusSchema.parse(await res.json())
  }
  const stack: Stack = {
    sim,
    hall,
    status,
    waitForStatus: async (ok, timeoutMs, what) => {
      let last: DomainStatus | undefined
      await waitFor(async () => { last = await status(); return ok(last) }, timeoutMs,
        () => `${what}; last status ${JSON.stringify(last)}\n--- hall log ---\n${hall.logs()}`)
      return last!
    },
    wakeRows: () => readDb(hall.dbFile, db => (db.prepare('SELECT count(*) AS n FROM wakes').get() as { n: number }).n),
    eventMessages: (kind) => readDb(hall.dbFile, db =>
      (db.prepare('SELECT message FROM events WHERE kind = ? ORDER BY id').all(kind) as Array<{ message: string }>).map(r => r.message))
  }
  // a wake asked for before the first probe is held back, not lost; waiting for OFFLINE
  // still makes every test start from the same place: a machine Hall knows to be asleep
  await stack.waitForStatus(s => s.state === 'OFFLINE', 10_000, 'the sleeping server should be probed OFFLINE')
  return stack
}

function domainsJson (sim: SimulatedServer, relay: SshRelay | undefined, shutdownVia: SshRelay | undefined): unknown {
  const wake = relay === undefined
    ? { method: 'udp', broadcast: '127.0.0.1', port: sim.udpPort }
    : { method: 'ssh', relay: 'lan', command: `wakeonlan -i {broadcast} -p ${sim.udpPort} {mac}`, broadcast: '127.0.0.1' }
  const relays: Record<string, unknown> = {}
  if (relay !== undefined) relays.lan = relayJson(relay)
  if (shutdownVia !== undefined) relays.power = relayJson(shutdownVia)
  // the relay's shell runs node by absolute path: sshd sessions get a minimal PATH
  const powerOff = `${process.execPath} -e "fetch('http://127.0.0.1:${sim.httpPort}/power-off', { method: 'POST' }).then(r => process.exit(r.status === 202 ? 0 : 1))"`
  return {
    relays,
    servers: {
      lab: {
        ip: '127.0.0.1',
        mac: MAC,
        policy: 'on_demand',
        wake,
        health: [
          { type: 'tcp', port: sim.httpPort },
          { type: 'http', url: `http://127.0.0.1:${sim.httpPort}/health`, expect_status: 200 }
        ],
        probe_interval_seconds: 1,
        probe_timeout_seconds: 1,
        wake_timeout_seconds: 25,
        // for the Energy page: what a small server draws
        power: { on_watts: 65, off_watts: 2, boot_watts: 90 },
        ...(shutdownVia === undefined ? {} : { shutdown: { relay: 'power', command: powerOff, off_timeout_seconds: 10 } })
      }
    },
    domains: {
      [DOMAIN]: { server: 'lab', upstream: `http://127.0.0.1:${sim.httpPort}` }
    }
  }
}

function relayJson (relay: SshRelay): unknown {
  return {
    host: '127.0.0.1',
    port: relay.port,
    user: relay.user,
    private_key_file: relay.privateKeyFile,
    host_key_sha256: relay.hostKeySha256,
    command_timeout_seconds: 10
  }
}

/** Bounded polling: every 50 ms until `check` is true or `timeoutMs` has passed. */
export async function waitFor (check: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    let error: unknown
    try {
      if (await check()) return
    } catch (err) {
      error = err // Hall busy or restarting: try again until the deadline
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms: ${describe()}${error === undefined ? '' : `\nlast error: ${String(error)}`}`)
    }
    await delay(50)
  }
}

/** Absolute times of a wake's steps must be present and in order (ISO strings compare as times). */
export function assertTimelineOrdered (w: WakeJson): string | null {
  const steps = [w.requested_at, w.sent_at, w.alive_at, w.running_at]
  if (steps.some(s => s === null)) return `a step is missing: ${JSON.stringify(w)}`
  const ms = steps.map(s => Date.parse(s!))
  for (let i = 1; i < ms.length; i++) {
    if (ms[i]! < ms[i - 1]!) return `steps out of order: ${JSON.stringify(w)}`
  }
  const { sent, alive, running } = w.timeline_ms
  if (sent === null || alive === null || running === null) return `timeline_ms has a null: ${JSON.stringify(w.timeline_ms)}`
  if (!(sent >= 0 && sent <= alive && alive <= running)) return `timeline_ms out of order: ${JSON.stringify(w.timeline_ms)}`
  return null
}

function readDb<T> (file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return read(db)
  } finally {
    db.close()
  }
}
