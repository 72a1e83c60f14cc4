import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readEnv } from '../../../service/src/config/env.js'
import { startSimulatedServer, type SimulatedServer } from '../../../service/src/demo/sim-server.js'
import { startService, type Service } from '../../../service/src/main.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { until } from '../../helpers/hall-in-process.js'
import { startSshd } from '../../helpers/sshd.js'

export const DOMAIN = 'app.hall.test'
const MAC = '02:00:00:00:00:2a'
/** Loopback is kept off the allow-list: every scrape in these tests opens /metrics with the token. */
export const METRICS_TOKEN = 'metrics-token-for-the-tests-0123456789abcdef'

export interface Rig {
  readonly hall: Service
  readonly lab: SimulatedServer
  /** GET /metrics with the bearer token: the exposition text. */
  scrape (): Promise<string>
  close (): Promise<void>
}

/**
 * Hall on the real clock with a simulated server that boots on its magic packet (probed every
 * second) and powers off on the command a real OpenSSH relay runs. Nothing is woken yet.
 */
export async function startRig (): Promise<Rig> {
  const sshd = await startSshd()
  const lab = await startSimulatedServer({ name: 'lab', mac: MAC, udpPort: 0, httpPort: 0, aliveAfterMs: 50, readyAfterMs: 150, powerOffAfterMs: 100 })
  const dir = mkdtempSync(join(tmpdir(), 'hall-metrics-'))
  // the relay's shell runs node by absolute path: sshd sessions get a minimal PATH
  const powerOff = `${process.execPath} -e "fetch('http://127.0.0.1:${lab.httpPort}/power-off', { method: 'POST' }).then(r => process.exit(r.status === 202 ? 0 : 1))"`
  const config = writeLoopbackConfig({
    udpPort: lab.udpPort,
    httpPort: lab.httpPort,
    mac: MAC,
    domain: DOMAIN,
    relays: { admin: { host: '127.0.0.1', port: sshd.port, user: sshd.user, private_key_file: sshd.privateKeyFile, host_key_sha256: sshd.hostKeySha256, command_timeout_seconds: 10 } },
    extra: { policy: 'on_demand', probe_interval_seconds: 1, power: { on_watts: 100, off_watts: 2 }, shutdown: { relay: 'admin', command: powerOff, off_timeout_seconds: 30 } }
  })
  const env = { HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_LOG_LEVEL: 'silent', HALL_ADMIN_ALLOW: '192.0.2.0/24', HALL_METRICS_TOKEN: METRICS_TOKEN }
  const hall = await startService(readEnv(env), { watch: false })
  const close = async (): Promise<void> => {
    await hall.close()
    await lab.close()
    await sshd.stop()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await until(() => hall.fleet.lookup(DOMAIN)?.phase === 'OFFLINE', 10_000)
  } catch (err) {
    await close()
    throw err
  }
  const scrape = async (): Promise<string> => {
    const res = await fetch(`${hall.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`)
    return await res.text()
  }
  return { hall, lab, scrape, close }
}

/** A browser navigation through forward-auth: 302 to the waiting page while asleep, and a wake. */
export async function browserHit (hall: Service, domain = DOMAIN): Promise<number> {
  const res = await fetch(`${hall.url}/forward-auth`, {
    headers: { 'x-forwarded-host': domain, 'x-forwarded-uri': '/', 'x-forwarded-proto': 'https', 'x-forwarded-method': 'GET', accept: 'text/html' },
    redirect: 'manual'
  })
  await res.arrayBuffer()
  return res.status
}

/** Wakes the server through forward-auth and shuts it down through the relay, as a day would. */
export async function wakeAndShutDown (r: Rig): Promise<void> {
  if (await browserHit(r.hall) !== 302) throw new Error('expected the waiting page for a sleeping server')
  await until(() => r.hall.fleet.lookup(DOMAIN)?.phase === 'RUNNING', 20_000)
  const ticket = r.hall.fleet.shutdownNow('lab', 'api')
  if (ticket.outcome !== 'started') throw new Error(`shutdown not started: ${JSON.stringify(ticket)}`)
  await until(() => r.hall.fleet.lookup(DOMAIN)?.phase === 'OFFLINE' && r.hall.store.shutdowns.latest('lab')?.outcome === 'off', 20_000)
}
