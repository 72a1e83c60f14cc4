import test, { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { readEnv } from '../../../service/src/config/env.js'
import { startService, type Service } from '../../../service/src/main.js'
import { hashSessionId, IDLE_TIMEOUT_MS } from '../../../service/src/http/admin/session-cache.js'
import type { PodRunner } from '../../../service/src/projects/service.js'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { until } from '../../helpers/hall-in-process.js'
import { listenForMagicPackets, type MagicPacketListener } from '../../helpers/udp-listener.js'

/**
 * The gate of client projects on /forward-auth, as Traefik calls it: members projects checked
 * against portal sessions, certificate projects against registered fingerprints. Sessions and
 * memberships are written by a second connection, as `hall user` in a shell does: Hall sees
 * them from memory once it notices the change, never by a query per request.
 */

const PUBLIC_URL = 'https://hall.example.test'
const pods: PodRunner = {
  apply: async () => ({ command: 'podman kube play --replace -', exitCode: 0, stderr: '', stdout: '', durationMs: 1 }),
  remove: async () => ({ command: 'podman kube down -', exitCode: 0, stderr: '', stdout: '', durationMs: 1 })
}

let hall: Service
let packets: MagicPacketListener
let shell: Database.Database
let dir: string
let cleanupConfig: () => void
const certs: Record<string, string> = {}

before(async () => {
  packets = await listenForMagicPackets()
  // the server is up while the projects are created (their pods are played at once), then goes to sleep
  const httpPort = await freePort()
  const upServer = createServer((_req, res) => res.end('ok')).listen(httpPort, '127.0.0.1')
  await once(upServer, 'listening')
  const config = writeLoopbackConfig({
    udpPort: packets.port,
    httpPort,
    relays: { box: { host: '127.0.0.1', user: 'hall', private_key_file: '/nonexistent', host_key_sha256: 'insecure-accept-any' } },
    extra: { probe_interval_seconds: 1, capacity: { cpu: 8, memory_mib: 16384, disk_gib: 200 }, podman: { relay: 'box' } }
  })
  cleanupConfig = config.cleanup
  dir = mkdtempSync(join(tmpdir(), 'hall-gate-'))
  for (const name of ['registered', 'other']) certs[name] = makeCertificate(name)
  hall = await startService(readEnv({
    HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_PUBLIC_URL: PUBLIC_URL, HALL_LOG_LEVEL: 'silent', HALL_COOKIE_DOMAIN: 'example.test'
  }), { pods })
  await until(() => hall.fleet.lookup('app.hall.test')?.phase === 'RUNNING')
  const project = { server: 'lab', image: 'docker.io/library/nginx:1.27', cpu: 1, memory_mib: 256, disk_gib: 1 }
  hall.projects.create({ ...project, name: 'acme', client: 'ACME', host: 'acme.example.test', port: 18081, access: 'members' }, 'admin')
  hall.projects.create({ ...project, name: 'globex', client: 'Globex', host: 'globex.example.test', port: 18082, access: 'members' }, 'admin')
  hall.projects.create({ ...project, name: 'vault', client: 'Vault', host: 'vault.example.test', port: 18083, access: 'certificate' }, 'admin')
  hall.projects.create({ ...project, name: 'open', client: 'Open', host: 'open.example.test', port: 18084, access: 'public' }, 'admin')
  await hall.projects.settled()
  assert.deepEqual(hall.projects.list().map(p => p.status), ['ready', 'ready', 'ready', 'ready'])
  upServer.closeAllConnections()
  await new Promise(resolve => upServer.close(resolve))
  await until(() => hall.fleet.lookup('app.hall.test')?.phase === 'OFFLINE', 8000)
  hall.store.writes.flush()

  shell = new Database(join(dir, 'hall.db'))
  const now = Date.now()
  const user = shell.prepare('INSERT INTO users (name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)')
  const ids = Object.fromEntries(['carol:client', 'dave:client', 'root:admin'].map(entry => {
    const [name, role] = entry.split(':')
    return [name!, Number(user.run(name, role, 'scrypt$unused', now, now).lastInsertRowid)]
  }))
  const member = shell.prepare('INSERT INTO project_members (project_id, user_id) VALUES ((SELECT id FROM projects WHERE name = ?), ?)')
  member.run('acme', ids.carol)
  member.run('globex', ids.dave)
  const session = shell.prepare('INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, address, scope) VALUES (?, ?, ?, ?, ?, ?)')
  session.run(hashSessionId('carol-portal-session-id-0123456789abcdefghij'), ids.carol, now, now, '203.0.113.7', 'portal')
  session.run(hashSessionId('dave-portal-session-id-0123456789abcdefghijk'), ids.dave, now, now, '203.0.113.8', 'portal')
  session.run(hashSessionId('root-portal-session-id-0123456789abcdefghijk'), ids.root, now, now, '203.0.113.9', 'portal')
  session.run(hashSessionId('root-admin-session-id-0123456789abcdefghijkl'), ids.root, now, now, '192.168.1.9', 'admin')
  session.run(hashSessionId('carol-stale-session-id-0123456789abcdefghijk'), ids.carol, now - IDLE_TIMEOUT_MS - 60_000, now - IDLE_TIMEOUT_MS - 60_000, '203.0.113.7', 'portal')
  // memberships and sessions reach the running Hall through SQLite's data_version, within seconds
  await until(() => memberCount() === 2, 8000)
})

function memberCount (): number {
  return hall.projects.members('acme').length + hall.projects.members('globex').length
}

after(async () => {
  shell?.close()
  await hall?.close()
  await packets?.close()
  cleanupConfig?.()
  rmSync(dir, { recursive: true, force: true })
})

function makeCertificate (name: string): string {
  const key = join(dir, `${name}.key`)
  const crt = join(dir, `${name}.crt`)
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt,
    '-days', '30', '-subj', `/CN=${name}`, '-addext', 'extendedKeyUsage=clientAuth'], { stdio: 'ignore' })
  return readFileSync(crt, 'utf8')
}

/** What Traefik's passTLSClientCert (pem: true) puts in the header: the body without armour or line breaks. */
function traefikHeader (pem: string): string {
  return encodeURIComponent(pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, ''))
}

async function forwardAuth (host: string, headers: Record<string, string> = {}, uri = '/report?q=1'): Promise<Response> {
  return await fetch(`${hall.url}/forward-auth`, {
    redirect: 'manual',
    headers: { 'x-forwarded-host': host, 'x-forwarded-proto': 'https', 'x-forwarded-uri': uri, 'x-forwarded-method': 'GET', ...headers }
  })
}
const browser = { accept: 'text/html,application/xhtml+xml' }
const cookie = (id: string): Record<string, string> => ({ cookie: `theme=dark; hall_portal=${id}` })
// over https the portal's cookie carries the __Secure- prefix
const secureCookie = (id: string): Record<string, string> => ({ cookie: `theme=dark; __Secure-hall_portal=${id}` })

async function wakeRequested (): Promise<boolean> {
  await new Promise(resolve => setImmediate(resolve)) // the fleet queues a wake on the next turn
  return hall.fleet.supervisor('lab')!.state().wake !== null
}

test('members: a browser without a session is sent to the portal login, with the page it asked for, and nothing is woken', async () => {
  const res = await forwardAuth('acme.example.test', browser)
  assert.equal(res.status, 302)
  assert.equal(res.headers.get('location'), `${PUBLIC_URL}/login?to=${encodeURIComponent('https://acme.example.test/report?q=1')}`)
  assert.equal(await wakeRequested(), false)
})

test('members: a script without a session gets 401 in Hall\'s error shape', async () => {
  const res = await forwardAuth('acme.example.test')
  assert.equal(res.status, 401)
  assert.equal((await res.json() as { error: string }).error, 'HALL_ERR_PROJECT_LOGIN_REQUIRED')
})

test('members: a forged cookie, an admin-scope session id and an expired session all count as no session', async () => {
  for (const id of ['forged-0123456789abcdefghijklmnopqrstuvwxyzABCD', 'root-admin-session-id-0123456789abcdefghijkl', 'carol-stale-session-id-0123456789abcdefghijk', 'x'.repeat(5000)]) {
    const res = await forwardAuth('acme.example.test', { ...browser, ...secureCookie(id) })
    assert.equal(res.status, 302, id.slice(0, 20))
    assert.match(res.headers.get('location') ?? '', /\/login\?to=/)
  }
})

test('members: the project\'s client passes (the asleep server sends the browser to the waiting page and is woken)', async () => {
  const res = await forwardAuth('acme.example.test', { ...browser, ...secureCookie('carol-portal-session-id-0123456789abcdefghij') })
  assert.equal(res.status, 302)
  assert.match(res.headers.get('location') ?? '', /\/waiting\/acme\.example\.test\?to=/)
  await packets.waitFor(1, 5000)
})

test('members: another project\'s client is refused with 403, and an admin\'s portal session passes every project', async () => {
  const refused = await forwardAuth('acme.example.test', secureCookie('dave-portal-session-id-0123456789abcdefghijk'))
  assert.equal(refused.status, 403)
  const body = await refused.json() as { error: string, message: string }
  assert.equal(body.error, 'HALL_ERR_PROJECT_FORBIDDEN')
  assert.match(body.message, /dave is not a member/)
  for (const host of ['acme.example.test', 'globex.example.test']) {
    const res = await forwardAuth(host, secureCookie('root-portal-session-id-0123456789abcdefghijk'))
    assert.notEqual(res.status, 401, host)
    assert.notEqual(res.status, 403, host)
  }
})

test('members and certificate: a refused browser gets a page saying why, in its language, with a way to sign in as someone else', async () => {
  const refused = await forwardAuth('acme.example.test', { ...browser, 'accept-language': 'fr-FR,fr;q=0.9', ...secureCookie('dave-portal-session-id-0123456789abcdefghijk') })
  assert.equal(refused.status, 403)
  assert.equal(refused.headers.get('content-type'), 'text/html; charset=utf-8')
  assert.match(refused.headers.get('content-security-policy') ?? '', /default-src 'none'; style-src https:\/\/hall\.example\.test;/)
  const html = await refused.text()
  assert.match(html, /<h1>Vous ne pouvez pas ouvrir ce projet<\/h1>/)
  assert.match(html, /dave is not a member of this project/)
  assert.ok(html.includes(`href="${PUBLIC_URL}/login?to=${encodeURIComponent('https://acme.example.test/report?q=1')}"`), html)
  const vault = await forwardAuth('vault.example.test', browser)
  assert.equal(vault.status, 403)
  assert.match(await vault.text(), /registered for it/)
})

test('members: over plain http the cookie has no prefix, so a prefixed-name lookalike is not read as another', async () => {
  // Hall's public URL is https here: the unprefixed name is not the portal's cookie
  const res = await forwardAuth('acme.example.test', { ...browser, ...cookie('carol-portal-session-id-0123456789abcdefghij') })
  assert.equal(res.status, 302)
  assert.match(res.headers.get('location') ?? '', /\/login\?to=/)
})

test('certificate: a registered certificate passes; an unknown one, none and a malformed header are refused without waking', async () => {
  hall.projects.addCertificate('vault', certs.registered!, 'admin')
  const passed = await forwardAuth('vault.example.test', { 'x-forwarded-tls-client-cert': traefikHeader(certs.registered!) })
  assert.notEqual(passed.status, 403)
  // a chain: the client's own certificate comes first
  const chain = await forwardAuth('vault.example.test', { 'x-forwarded-tls-client-cert': `${traefikHeader(certs.registered!)},${traefikHeader(certs.other!)}` })
  assert.notEqual(chain.status, 403)
  for (const [what, headers] of [
    ['unknown', { 'x-forwarded-tls-client-cert': traefikHeader(certs.other!) }],
    ['other first in the chain', { 'x-forwarded-tls-client-cert': `${traefikHeader(certs.other!)},${traefikHeader(certs.registered!)}` }],
    ['none', {}],
    ['malformed', { 'x-forwarded-tls-client-cert': 'MIIB%%%not-base64' }],
    ['base64 that is no certificate', { 'x-forwarded-tls-client-cert': Buffer.from('hello world, not a cert').toString('base64') }],
    ['long garbage', { 'x-forwarded-tls-client-cert': 'A'.repeat(12_000) }]
  ] as const) {
    const res = await forwardAuth('vault.example.test', headers)
    assert.equal(res.status, 403, what)
    assert.equal((await res.json() as { error: string }).error, 'HALL_ERR_PROJECT_CERTIFICATE', what)
  }
})

test('certificate: a revoked certificate is refused from the next request on', async () => {
  const header = { 'x-forwarded-tls-client-cert': traefikHeader(certs.other!) }
  const cert = hall.projects.addCertificate('vault', certs.other!, 'admin')
  assert.notEqual((await forwardAuth('vault.example.test', header)).status, 403)
  hall.projects.revokeCertificate('vault', cert.id, 'admin')
  assert.equal((await forwardAuth('vault.example.test', header)).status, 403)
})

test('public: a project open to all is served like any domain', async () => {
  const res = await forwardAuth('open.example.test', browser)
  assert.equal(res.status, 302)
  assert.match(res.headers.get('location') ?? '', /\/waiting\/open\.example\.test\?to=/)
})

test('Traefik\'s HTTP provider gets a router per project, the certificate one behind passTLSClientCert and its TLS option', async () => {
  const res = await fetch(`${hall.url}/traefik/dynamic`)
  assert.equal(res.status, 200)
  const dynamic = await res.json() as {
    http: { routers: Record<string, { rule: string, middlewares: string[], tls: { options?: string } }> }
    tls?: { options: Record<string, unknown> }
  }
  const vault = dynamic.http.routers.hall_project_vault!
  assert.equal(vault.rule, 'Host(`vault.example.test`)')
  assert.deepEqual(vault.middlewares, ['hall_client_certificate', 'hall_project'])
  assert.equal(vault.tls.options, 'hall-client-certificate')
  assert.deepEqual(dynamic.http.routers.hall_project_acme!.middlewares, ['hall_project'])
  assert.ok(dynamic.tls?.options['hall-client-certificate'] !== undefined)
})
