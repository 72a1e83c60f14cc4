import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { caddyAvailable } from '../../helpers/caddy.js'
import { missingTool } from '../../helpers/missing-tool.js'

// The shipped deploy/caddy/Caddyfile, read by Caddy itself: it is valid as written, with real
// names and certificates, and every protected site asks Hall first. (The e2e tests run through
// this same file, with loopback addresses swapped in by tests/helpers/caddy.ts.)

const skip = !caddyAvailable() && missingTool('caddy')
const root = new URL('../../../', import.meta.url)
const shipped = fileURLToPath(new URL('deploy/caddy/Caddyfile', root))

interface Route { match?: Array<{ host?: string[], path?: string[], remote_ip?: { ranges: string[] } }>, handle: Handler[] }
interface Handler { handler: string, routes?: Route[], [key: string]: unknown }

function caddy (t: { after: (fn: () => void) => void }, args: string[]): { status: number | null, stdout: string, stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hall-caddyfile-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  // keep Caddy's storage and autosave out of the real home
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') }
  return spawnSync('caddy', args, { encoding: 'utf8', env, cwd: dir })
}

function adapt (t: { after: (fn: () => void) => void }, file: string): Route[] {
  const run = caddy(t, ['adapt', '--config', file, '--adapter', 'caddyfile'])
  assert.equal(run.status, 0, run.stderr)
  const json = JSON.parse(run.stdout) as { apps: { http: { servers: Record<string, { routes: Route[] }> } } }
  return Object.values(json.apps.http.servers).flatMap(s => s.routes)
}

function siteRoutes (routes: Route[], host: string): Route[] {
  const site = routes.find(r => r.match?.some(m => m.host?.includes(host)) === true)
  assert.ok(site !== undefined, `no site for ${host}`)
  const sub = site.handle[0]
  assert.equal(sub?.handler, 'subroute')
  return sub.routes ?? []
}

test('caddy validate accepts the shipped Caddyfile as written', { skip }, (t) => {
  const run = caddy(t, ['validate', '--config', shipped, '--adapter', 'caddyfile'])
  assert.equal(run.status, 0, run.stderr)
  assert.match(`${run.stdout}${run.stderr}`, /Valid configuration/)
})

test('each protected site asks Hall first, with the forward_auth the e2e tests use', { skip }, (t) => {
  const routes = adapt(t, shipped)
  // the minimal forward_auth site, adapted by the same Caddy
  const dir = mkdtempSync(join(tmpdir(), 'hall-caddyfile-ref-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const reference = join(dir, 'Caddyfile')
  writeFileSync(reference, 'app.example.test {\n\tforward_auth 127.0.0.1:8080 {\n\t\turi /forward-auth\n\t\tcopy_headers X-Hall-Server\n\t}\n\treverse_proxy 127.0.0.1:9\n}\n')
  const expected = siteRoutes(adapt(t, reference), 'app.example.test')[0]?.handle[0]
  assert.equal((expected?.rewrite as { uri: string }).uri, '/forward-auth')

  for (const host of ['testing.audit-io.fr', 'erp.audit-io.fr']) {
    const [first, second] = siteRoutes(routes, host)[0]?.handle ?? []
    assert.deepEqual(first, expected, `${host}: forward_auth comes first`)
    assert.equal(second?.handler, 'reverse_proxy')
    assert.deepEqual(second?.transport, { protocol: 'http', tls: { insecure_skip_verify: true } }, host)
  }
})

test('Hall\'s public host exposes the paths Traefik\'s router for Hall exposes, and nothing else', { skip }, (t) => {
  const routes = siteRoutes(adapt(t, shipped), 'hall.audit-io.fr')
  const isAdmin = (r: Route): boolean => r.match?.some(m => m.path?.some(p => p.startsWith('/admin')) === true) === true
  const paths = routes.filter(r => !isAdmin(r)).flatMap(r => r.match?.flatMap(m => m.path ?? []) ?? []).sort()
  // Traefik's: Path(`/x`) is "/x", PathPrefix(`/y/`) is "/y/*" in Caddy's words
  // Hall's own router is the one whose rule has paths after its host
  const rule = readFileSync(new URL('deploy/traefik/hall.example.yml', root), 'utf8').match(/^\s+rule: (Host\(`[^`]+`\) && \(.*)$/m)?.[1] ?? ''
  const traefik = [...rule.matchAll(/(Path|PathPrefix)\(`([^`]+)`\)/g)].map(([, kind, p]) => kind === 'Path' ? p! : `${p!}*`).sort()
  assert.ok(traefik.length > 0, 'the Traefik rule lists paths')
  assert.deepEqual(paths, traefik)
  assert.equal(routes.length, 4, 'the public paths, the admin for the LAN, a 403 for the admin elsewhere, then a 404 for the rest')
})

test('Hall\'s admin is passed to Hall only from the addresses of Traefik\'s hall_admin_lan, and refused from anywhere else', { skip }, (t) => {
  const routes = siteRoutes(adapt(t, shipped), 'hall.audit-io.fr')
  const traefik = readFileSync(new URL('deploy/traefik/hall.example.yml', root), 'utf8')
  const adminRule = traefik.match(/^\s+rule: Host\(`[^`]+`\) && \((Path\(`\/admin`\).*)\)$/m)?.[1] ?? ''
  const adminPaths = [...adminRule.matchAll(/(Path|PathPrefix)\(`([^`]+)`\)/g)].map(([, kind, p]) => kind === 'Path' ? p! : `${p!}*`).sort()
  assert.deepEqual(adminPaths, ['/admin', '/admin/*'], 'Traefik routes /admin and what is under it')
  const sourceRange = traefik.match(/hall_admin_lan:\n\s+ipAllowList:\n\s+sourceRange:\n((?:\s+- .+\n)+)/)?.[1]?.split('\n').map(l => l.replace(/^\s+- /, '').trim()).filter(Boolean) ?? []
  assert.ok(sourceRange.length > 0, 'Traefik\'s allow-list lists addresses')

  const [lan, elsewhere] = routes.filter(r => r.match?.some(m => m.path?.includes('/admin')) === true)
  assert.deepEqual(lan?.match, [{ path: adminPaths, remote_ip: { ranges: sourceRange } }])
  const lanProxy = lan?.handle[0]?.routes?.[0]?.handle[0]
  assert.equal(lanProxy?.handler, 'reverse_proxy')
  assert.deepEqual(lanProxy?.upstreams, [{ dial: '127.0.0.1:8080' }])
  assert.deepEqual(elsewhere?.match, [{ path: adminPaths }])
  assert.deepEqual(elsewhere?.handle[0]?.routes?.[0]?.handle[0], { handler: 'static_response', status_code: 403 })
  assert.ok(routes.indexOf(lan!) < routes.indexOf(elsewhere!), 'the LAN\'s route is tried first')
})
