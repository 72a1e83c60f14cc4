import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { readEnv } from '../../../service/src/config/env.js'
import type { ProjectHosting } from '../../../service/src/config/types.js'
import { startService, type Service } from '../../../service/src/main.js'
import type { PodOutcome, PodRunner } from '../../../service/src/projects/service.js'
import type { ProjectSpec } from '../../../service/src/projects/types.js'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { until } from '../../helpers/hall-in-process.js'
import { serveOnLoopback } from '../../helpers/loopback-server.js'
import { addAccount, ask, login, type Answer } from './admin-rig.js'

// Hall in this process over a real SQLite file, its admin behind the real login, CSRF and
// headers, and its one server (lab) hosting projects and awake (a loopback health endpoint).
// Pods are played by a recording stand-in that answers as the test tells it: the real podman
// over SSH is tested in tests/integration/projects.

export const DOMAIN = 'app.hall.test'
/** lab's capacity for projects. */
export const CAPACITY = { cpu: 4, memory_mib: 8192, disk_gib: 100 }

export interface PodCall { readonly action: 'apply' | 'remove', readonly project: ProjectSpec }

export interface RecordingPods extends PodRunner {
  readonly calls: PodCall[]
  /** How the next calls end; default: exit 0 at once. A promise holds the call until it settles. */
  answer: (call: PodCall) => PodOutcome | Promise<PodOutcome>
}

export function outcome (exitCode: number, stderr = ''): PodOutcome {
  return { command: 'podman kube play --replace -', exitCode, stderr, stdout: '', durationMs: 5 }
}

export function recordingPods (): RecordingPods {
  const pods: RecordingPods = {
    calls: [],
    answer: () => outcome(0),
    async apply (project: ProjectSpec, _hosting: ProjectHosting) { return await run({ action: 'apply', project }) },
    async remove (project: ProjectSpec, _hosting: ProjectHosting) { return await run({ action: 'remove', project }) }
  }
  async function run (call: PodCall): Promise<PodOutcome> {
    pods.calls.push(call)
    return await pods.answer(call)
  }
  return pods
}

/** A signed-in browser: its session cookie, and the form token of the last page it loaded. */
export interface Browser {
  get (path: string, headers?: Record<string, string>): Promise<Answer>
  post (path: string, form?: Record<string, string>): Promise<Answer>
}

export function browser (hall: Service, cookie: string): Browser {
  let token = ''
  return {
    async get (path, headers = {}) {
      const answer = await ask(hall, path, { cookie, headers })
      const meta = /<meta name="csrf-token" content="([^"]+)">/.exec(answer.body)
      if (meta !== null) token = meta[1]!
      return answer
    },
    async post (path, form = {}) { return await ask(hall, path, { cookie, form: { _csrf: token, ...form } }) }
  }
}

export interface ProjectsRig {
  readonly hall: Service
  readonly pods: RecordingPods
  /** alice, an admin, and victor, a viewer, signed in. */
  readonly admin: Browser
  readonly viewer: Browser
}

export async function startProjectsAdmin (t: TestContext): Promise<ProjectsRig> {
  const health = await serveOnLoopback(t, (_req, res) => { res.end('ok') })
  const config = writeLoopbackConfig({
    udpPort: await freePort(),
    httpPort: Number(new URL(health).port),
    domain: DOMAIN,
    relays: { 'lab-podman': { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any' } },
    extra: { capacity: CAPACITY, podman: { relay: 'lab-podman' } }
  })
  const dir = mkdtempSync(join(tmpdir(), 'hall-projects-admin-'))
  const env = readEnv({
    HALL_CONFIG: config.file,
    HALL_DB: join(dir, 'hall.db'),
    HALL_HOST: '127.0.0.1',
    HALL_PORT: '0',
    HALL_PUBLIC_URL: 'http://hall.lan.test',
    HALL_COOKIE_DOMAIN: 'lan.test',
    HALL_LOG_LEVEL: 'silent'
  })
  const pods = recordingPods()
  const hall = await startService(env, { pods, watch: false })
  t.after(async () => {
    await hall.projects.settled()
    await hall.close()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  await until(() => hall.fleet.lookup(DOMAIN)?.phase === 'RUNNING')
  addAccount(hall, 'alice', 'admin')
  addAccount(hall, 'victor', 'viewer')
  return { hall, pods, admin: browser(hall, await login(hall, 'alice')), viewer: browser(hall, await login(hall, 'victor')) }
}

/** The create form's fields for a project on lab; `over` replaces some. */
export function projectForm (over: Record<string, string> = {}): Record<string, string> {
  return {
    name: 'acme',
    client: 'ACME Corp',
    host: 'acme.lan.test',
    server: 'lab',
    port: '18080',
    container_port: '80',
    image: 'docker.io/library/nginx:1.27',
    cpu: '1.5',
    memory_mib: '2048',
    disk_gib: '20',
    access: 'members',
    ...over
  }
}

/** Creates a project through the form and waits for its pod to be played. */
export async function createProject (rig: ProjectsRig, over: Record<string, string> = {}): Promise<Answer> {
  await rig.admin.get('/admin/projects')
  const answer = await rig.admin.post('/admin/projects', projectForm(over))
  await rig.hall.projects.settled()
  return answer
}

/** A self-signed certificate made by openssl in a temp dir, with the fingerprint openssl prints. */
export function makeCertificate (t: TestContext, opts: { days: number, subject: string }): { pem: string, key: string, fingerprint: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hall-cert-'))
  t.after(() => { rmSync(dir, { recursive: true, force: true }) })
  const key = join(dir, 'client.key')
  const crt = join(dir, 'client.crt')
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', crt, '-days', String(opts.days), '-subj', opts.subject], { stdio: 'pipe' })
  // "sha256 Fingerprint=AB:CD:..." (OpenSSL 3) or "SHA256 Fingerprint=..." (1.1)
  const printed = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', crt], { encoding: 'utf8' })
  return { pem: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8'), fingerprint: printed.trim().split('=')[1]! }
}

export function hasOpenssl (): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' })
    return true
  } catch {
    return false
  }
}
