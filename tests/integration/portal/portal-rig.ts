import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { readEnv } from '../../../service/src/config/env.js'
import { startService, type Service } from '../../../service/src/main.js'
import type { PodRunner } from '../../../service/src/projects/service.js'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { until } from '../../helpers/hall-in-process.js'
import { listenForMagicPackets, type MagicPacketListener } from '../../helpers/udp-listener.js'
import { addAccount, ask, cookieOf, csrfOf, PASSWORD, type Answer, type Ask } from '../admin/admin-rig.js'

export { ask, cookieOf, csrfOf, PASSWORD, type Answer }

export const PUBLIC_URL = 'http://hall.example.test'
export const COOKIE_DOMAIN = 'example.test'
/** The portal's cookies over plain http (portal-cookie.ts). */
export const SESSION_COOKIE = 'hall_portal'
export const NONCE_COOKIE = 'hall_portal_login'

/** The real podman path is tested over sshd elsewhere: here every pod plays at once. */
const pods: PodRunner = {
  apply: async () => ({ command: 'podman kube play --replace -', exitCode: 0, stderr: '', stdout: '', durationMs: 1 }),
  remove: async () => ({ command: 'podman kube down -', exitCode: 0, stderr: '', stdout: '', durationMs: 1 })
}

export interface PortalRig { hall: Service, packets: MagicPacketListener }

/**
 * Hall in this process over a real SQLite file, with three projects on its server `lab`: `app`
 * (public, at app.example.test, the host of the open-redirect payloads), `acme` (members: alice
 * and carol) and `globex` (members: bob); accounts root (admin) and victor (viewer) besides. The
 * projects are made while the server is up (a loopback health check), so their pods play at once
 * and no wake is spent on them; then Hall starts again on the same database with the server
 * down, so the portal's wake button has a sleeping server to wake, whose packets `packets` catches.
 */
export async function startPortal (t: TestContext): Promise<PortalRig> {
  const packets = await listenForMagicPackets()
  const healthPort = await freePort()
  const health = createServer((_req, res) => { res.end('ok') })
  await new Promise<void>(resolve => health.listen(healthPort, '127.0.0.1', resolve))
  const config = writeLoopbackConfig({
    udpPort: packets.port,
    httpPort: healthPort,
    relays: { box: { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any' } },
    extra: { capacity: { cpu: 8, memory_mib: 16384, disk_gib: 200 }, podman: { relay: 'box' } }
  })
  const dir = mkdtempSync(join(tmpdir(), 'hall-portal-'))
  const env = readEnv({
    HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_PUBLIC_URL: PUBLIC_URL, HALL_LOG_LEVEL: 'silent', HALL_COOKIE_DOMAIN: COOKIE_DOMAIN
  })
  const first = await startService(env, { pods, watch: false })
  try {
    await until(() => first.fleet.supervisor('lab')?.state().phase === 'RUNNING')
    const base = { server: 'lab', image: 'docker.io/library/nginx:1.27', cpu: 1, memory_mib: 256, disk_gib: 1 }
    first.projects.create({ ...base, name: 'app', client: 'Open', host: 'app.example.test', port: 18080, access: 'public' }, 'root')
    first.projects.create({ ...base, name: 'acme', client: 'ACME & <Sons>', host: 'acme.example.test', port: 18081, access: 'members' }, 'root')
    first.projects.create({ ...base, name: 'globex', client: 'Globex', host: 'globex.example.test', port: 18082, access: 'members' }, 'root')
    await first.projects.settled()
    for (const name of ['alice', 'bob', 'carol']) addAccount(first, name, 'client')
    addAccount(first, 'root', 'admin')
    addAccount(first, 'victor', 'viewer')
    first.store.writes.flush()
    first.projects.addMember('acme', 'alice', 'root')
    first.projects.addMember('acme', 'carol', 'root')
    first.projects.addMember('globex', 'bob', 'root')
  } finally {
    await first.close()
    health.closeAllConnections()
    await new Promise<void>(resolve => health.close(() => resolve()))
  }
  const hall = await startService(env, { pods, watch: false })
  t.after(async () => {
    await hall.close()
    await packets.close()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  await until(() => hall.fleet.supervisor('lab')?.state().phase === 'OFFLINE')
  return { hall, packets }
}

/** GET /login as a browser without a session: the nonce cookie and the form's token. */
export async function loginForm (hall: Service, a: Ask = {}): Promise<{ cookie: string, token: string, page: Answer }> {
  const page = await ask(hall, '/login', a)
  return { cookie: cookieOf(page, NONCE_COOKIE) ?? '', token: csrfOf(page), page }
}

/** Signs in through the form; `to` is sent as the form carries it. */
export async function postLogin (hall: Service, name: string, password: string, a: Ask & { to?: string } = {}): Promise<Answer> {
  const form = await loginForm(hall, a)
  const cookie = [form.cookie, a.cookie].filter(c => c !== undefined && c !== '').join('; ')
  return await ask(hall, '/login', { ...a, cookie, form: { name, password, _csrf: form.token, ...(a.to === undefined ? {} : { to: a.to }) } })
}

/** Signs in and returns the session cookie (`hall_portal=...`). */
export async function signIn (hall: Service, name: string, a: Ask = {}): Promise<string> {
  const answer = await postLogin(hall, name, PASSWORD, a)
  const session = cookieOf(answer, SESSION_COOKIE)
  if (answer.status !== 303 || session === undefined) throw new Error(`sign-in as ${name} failed: ${answer.status} ${answer.body.slice(0, 200)}`)
  return session
}
