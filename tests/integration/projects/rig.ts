import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { request } from 'undici'
import { readEnv } from '../../../service/src/config/env.js'
import { startSimulatedServer, type SimulatedServer } from '../../../service/src/demo/sim-server.js'
import { startService, type Service } from '../../../service/src/main.js'
import { createPodmanStandIn, type PodmanStandIn } from '../../helpers/podman-stand-in.js'
import { startSshd, type TestSshd } from '../../helpers/sshd.js'

export const PUBLIC_URL = 'https://hall.example.test'
export const COOKIE_DOMAIN = 'example.test'
export const MAC = '02:00:00:00:00:5e'
/** The file's own domain on `testing`; projects get hosts of their own. */
export const FILE_DOMAIN = 'testing.example.test'

/** Room for the projects of a test, small enough to run out of. */
export const CAPACITY = { cpu: 4, memory_mib: 4096, disk_gib: 40 }

export interface Answer { status: number, body: any }

export interface ProjectsRig {
  hall: Service
  /** Allowed `projects` on every server. */
  readonly key: string
  readonly standIn: PodmanStandIn
  readonly sshd: TestSshd
  /** The `testing` server: asleep (its health port closed) until its magic packet comes. */
  readonly testing: SimulatedServer
  readonly configFile: string
  readonly dbFile: string
  /** Calls Hall's API with the key (or `key`), a JSON body when given. */
  api (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: object, key?: string): Promise<Answer>
  /** Traefik's question for `host`: 200 when Hall lets the request through. */
  forwardAuth (host: string): Promise<number>
  /** domains.json as the test's `testing` server would have it, changed by `change`. */
  domainsJson (change?: (file: any) => void): string
  stop (): Promise<void>
  /** Stops Hall and starts it again on the same database and config. */
  restart (): Promise<void>
}

/**
 * Hall in this process on a real SQLite file, whose server `testing` hosts projects: it sleeps
 * until a magic packet arrives (a simulated machine on loopback that boots in 150 ms), and runs
 * Podman through a real sshd whose PATH starts with the recording `podman` stand-in. Probes and
 * wake timeouts are short, so a wake and a pod play take about a second.
 */
export async function startProjectsRig (t: TestContext): Promise<ProjectsRig> {
  const standIn = await createPodmanStandIn()
  const sshd = await startSshd({ pathFirst: standIn.dir })
  const testing = await startSimulatedServer({ name: 'testing', mac: MAC, udpPort: 0, httpPort: 0, aliveAfterMs: 50, readyAfterMs: 150 })
  const dir = mkdtempSync(join(tmpdir(), 'hall-projects-'))
  const configFile = join(dir, 'domains.json')
  const dbFile = join(dir, 'hall.db')

  const domainsJson = (change?: (file: any) => void): string => {
    const file = {
      relays: {
        'testing-admin': { host: sshd.host, port: sshd.port, user: sshd.user, private_key_file: sshd.privateKeyFile, host_key_sha256: sshd.hostKeySha256, command_timeout_seconds: 10 }
      },
      servers: {
        testing: {
          ip: '127.0.0.1',
          mac: MAC,
          wake: { method: 'udp', broadcast: '127.0.0.1', port: testing.udpPort },
          health: [{ type: 'http', url: `http://127.0.0.1:${testing.httpPort}/health`, expect_status: 200 }],
          probe_interval_seconds: 1,
          probe_timeout_seconds: 0.5,
          wake_timeout_seconds: 5,
          capacity: CAPACITY,
          podman: { relay: 'testing-admin' }
        }
      },
      domains: { [FILE_DOMAIN]: { server: 'testing', upstream: `http://127.0.0.1:${testing.httpPort}` } }
    }
    change?.(file)
    return JSON.stringify(file, null, 2)
  }
  writeFileSync(configFile, domainsJson())

  const env = readEnv({ HALL_CONFIG: configFile, HALL_DB: dbFile, HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_PUBLIC_URL: PUBLIC_URL, HALL_COOKIE_DOMAIN: COOKIE_DOMAIN, HALL_LOG_LEVEL: 'silent' })
  // the file is watched only where a test reloads it by hand: no reload behind the test's back
  const start = async (): Promise<Service> => await startService(env, { watch: false })
  let hall = await start()
  let running = true
  const key = hall.store.apiKeys.create({ name: 'ci', servers: null, actions: ['projects'], now: Date.now() }).key

  const stopHall = async (): Promise<void> => {
    if (!running) return
    running = false
    await hall.projects.settled()
    await hall.close()
  }
  const rig: ProjectsRig = {
    get hall () { return hall },
    key,
    standIn,
    sshd,
    testing,
    configFile,
    dbFile,
    async api (method, path, body, withKey = key) {
      const headers: Record<string, string> = { 'x-api-key': withKey }
      if (body !== undefined) headers['content-type'] = 'application/json'
      const res = await request(`${hall.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      const text = await res.body.text()
      return { status: res.statusCode, body: text === '' ? null : JSON.parse(text) }
    },
    async forwardAuth (host) {
      const res = await request(`${hall.url}/forward-auth`, { headers: { 'x-forwarded-host': host, 'x-forwarded-proto': 'https', 'x-forwarded-uri': '/', accept: 'application/json' } })
      await res.body.dump()
      return res.statusCode
    },
    domainsJson,
    stop: stopHall,
    async restart () {
      await stopHall()
      hall = await start()
      running = true
    }
  }
  t.after(async () => {
    await stopHall()
    await testing.close()
    await sshd.stop()
    await standIn.remove()
    rmSync(dir, { recursive: true, force: true })
  })
  await until('testing is found asleep', () => hall.fleet.supervisor('testing')?.state().phase === 'OFFLINE')
  return rig
}

/** The fields of a project as a script sends them; `over` changes some. */
export function projectFields (name: string, port: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    client: `${name} corp`,
    host: `${name}.example.test`,
    server: 'testing',
    port,
    container_port: 80,
    image: 'docker.io/library/nginx:1.27',
    cpu: 1,
    memory_mib: 512,
    disk_gib: 5,
    access: 'public',
    ...over
  }
}

export async function until (what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}
