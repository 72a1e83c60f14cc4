import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parse } from 'yaml'
import { loadConfig } from '../../../service/src/config/load.js'
import { assertValid, officialValidator as validator } from '../../helpers/official-schemas.js'

// Traefik and Docker cannot run here: what Hall ships for them is checked against their official
// schemas instead, and the files are checked against each other where they must agree.

const root = new URL('../../../', import.meta.url)

function yamlFile (path: string): any {
  return parse(readFileSync(new URL(path, root), 'utf8'))
}

const STATIC_CONFIGS = ['deploy/traefik/traefik.yml', 'deploy/traefik/traefik-bare-metal.yml']

test('deploy/traefik/hall.example.yml (what render-traefik writes for the example) is valid Traefik v3 dynamic configuration', () => {
  const validate = validator('traefik-schemas/traefik-v3-file-provider.json')
  const config = yamlFile('deploy/traefik/hall.example.yml') as { http: { middlewares: { hall: { forwardAuth: { trustForwardHeader?: boolean } } } } }
  assertValid(validate, config)
  assert.equal(config.http.middlewares.hall.forwardAuth.trustForwardHeader, false)
})

for (const file of STATIC_CONFIGS) {
  test(`${file} is valid Traefik v3 static configuration: HTTP to HTTPS, ACME, no open dashboard, access log`, () => {
    const validate = validator('traefik-schemas/traefik-v3.json')
    const config = yamlFile(file)
    assertValid(validate, config)
    assert.deepEqual(config.entryPoints.web.http.redirections.entryPoint, { to: 'websecure', scheme: 'https', permanent: true })
    assert.equal(config.entryPoints.websecure.address, ':443')
    assert.ok(config.certificatesResolvers.letsencrypt.acme.storage.endsWith('/acme.json'))
    assert.equal(config.api.insecure, undefined, 'the dashboard is published only through its protected router')
    assert.deepEqual(config.accessLog, {})
    // Hall owns 127.0.0.1:8080 beside Traefik: no entry point of Traefik's may take port 8080
    for (const [name, ep] of Object.entries(config.entryPoints as Record<string, { address: string }>)) {
      assert.doesNotMatch(ep.address, /:8080$/, name)
    }
    assert.equal(config.ping.entryPoint, 'ping')
    assert.match(config.entryPoints.ping.address, /^127\.0\.0\.1:/)
    assert.equal(config.providers.file.watch, true)
  })
}

test('the bare-metal Traefik polls Hall\'s HTTP provider endpoint on loopback', () => {
  const config = yamlFile('deploy/traefik/traefik-bare-metal.yml')
  assert.equal(config.providers.http.endpoint, 'http://127.0.0.1:8080/traefik/dynamic')
})

test('deploy/traefik/dynamic/dashboard.yml is valid, before and after Traefik fills in its template', () => {
  const validate = validator('traefik-schemas/traefik-v3-file-provider.json')
  const text = readFileSync(new URL('deploy/traefik/dynamic/dashboard.yml', root), 'utf8')
  const env: Record<string, string> = { HALL_PUBLIC_URL: 'https://hall.audit-io.fr' }
  // Traefik runs Go templates (with Sprig's functions) over the file before reading it as YAML
  const rendered = text.replace(/\{\{ \(urlParse \(env "([A-Z_]+)"\)\)\.hostname \}\}/g, (_m, name: string) => new URL(env[name]!).hostname)
  assert.doesNotMatch(rendered, /\{\{/)
  for (const config of [parse(text), parse(rendered)]) assertValid(validate, config)

  const http = parse(rendered).http
  const router = http.routers['traefik-dashboard']
  // under Hall's own host, where the browser sends Hall's session cookie
  assert.equal(router.rule, 'Host(`hall.audit-io.fr`) && (Path(`/admin/traefik`) || PathPrefix(`/admin/traefik/`))')
  assert.equal(router.service, 'api@internal')
  assert.deepEqual(router.entryPoints, ['websecure'])
  // Traefik ranks routers by rule length unless told: Hall's /admin router must not take the dashboard's paths
  const adminRule: string = yamlFile('deploy/traefik/hall.example.yml').http.routers.hall_admin.rule
  assert.ok(router.priority > adminRule.length, 'ahead of Hall\'s /admin router')
  // the LAN check first, then Hall's admin session
  assert.deepEqual(router.middlewares.slice(0, 2), ['dashboard-lan', 'dashboard-session'])
  const forwardAuth = http.middlewares['dashboard-session'].forwardAuth
  assert.equal(forwardAuth.address, 'http://127.0.0.1:8080/forward-auth/admin')
  assert.equal(forwardAuth.trustForwardHeader, false)
  for (const range of http.middlewares['dashboard-lan'].ipAllowList.sourceRange as string[]) {
    assert.match(range, /^(192\.168\.|10\.|127\.|::1\/)/, `${range} is not a LAN or loopback range`)
  }
  // no name Hall's renderer uses (`hall`, `hall-<domain>`, `hall_admin`), so the two files never collide
  for (const kind of ['routers', 'middlewares'] as const) {
    for (const name of Object.keys(http[kind])) assert.doesNotMatch(name, /^hall($|-|_)/, name)
  }
  // the static configs serve the dashboard and its API under that prefix
  for (const file of STATIC_CONFIGS) assert.equal(yamlFile(file).api.basePath, '/admin/traefik', file)
})

test('compose.yaml follows the Compose specification', () => {
  const validate = validator('compose-schema/compose-spec.json')
  const compose = yamlFile('compose.yaml')
  assertValid(validate, compose)
})

test('compose.yaml agrees with itself, traefik.yml and .env.example', () => {
  const { services, volumes } = yamlFile('compose.yaml')
  const { hall, traefik } = services
  const env = hall.environment as Record<string, string>
  const mounts = (s: { volumes: string[] }): Map<string, string> =>
    new Map(s.volumes.map(v => v.split(':') as [string, string]).map(([from, to]) => [from, to]))

  // both on the host's network: the broadcast leaves the box, Hall stays on loopback
  assert.equal(hall.network_mode, 'host')
  assert.equal(traefik.network_mode, 'host')
  assert.equal(hall.ports, undefined)
  assert.equal(env.HALL_HOST, '127.0.0.1')
  // so Traefik reaches Hall from loopback, and no other address may speak for a client
  for (const cidr of env.HALL_TRUSTED_PROXIES!.split(',')) assert.match(cidr, /^(127\.|::1\/128$)/, cidr)
  assert.deepEqual(Object.keys(env).sort(), ['HALL_CONFIG', 'HALL_DB', 'HALL_HOST', 'HALL_LOG_LEVEL', 'HALL_PORT',
    'HALL_PUBLIC_URL', 'HALL_TRAEFIK_DIR', 'HALL_TRUSTED_PROXIES'])
  // where Traefik asks Hall is where Hall listens
  const forwardAuth = yamlFile('deploy/traefik/hall.example.yml').http.middlewares.hall.forwardAuth.address
  assert.equal(new URL(forwardAuth).host, `${env.HALL_HOST}:${env.HALL_PORT}`)
  assert.ok(hall.healthcheck.test.join(' ').includes(`http://127.0.0.1:${env.HALL_PORT}/healthz`))

  // Hall writes hall.yml into the very directory Traefik's file provider watches
  const hallMounts = mounts(hall)
  const traefikMounts = mounts(traefik)
  const staticConfig = yamlFile('deploy/traefik/traefik.yml')
  assert.equal(hallMounts.get('./traefik-dynamic'), env.HALL_TRAEFIK_DIR)
  assert.equal(traefikMounts.get('./traefik-dynamic'), staticConfig.providers.file.directory)
  assert.equal(traefikMounts.get('./deploy/traefik/traefik.yml'), '/etc/traefik/traefik.yml')
  assert.deepEqual(traefik.command, ['--configFile=/etc/traefik/traefik.yml'])
  assert.equal(hallMounts.get('./config'), env.HALL_CONFIG!.replace(/\/[^/]+$/, ''), 'domains.json through a directory mount')
  assert.equal(hallMounts.get('hall-data'), env.HALL_DB!.replace(/\/[^/]+$/, ''))
  const acmeDir = staticConfig.certificatesResolvers.letsencrypt.acme.storage.replace(/\/[^/]+$/, '')
  assert.equal(traefikMounts.get('letsencrypt'), acmeDir, 'acme.json on a volume')
  assert.deepEqual(Object.keys(volumes).sort(), ['hall-data', 'letsencrypt'])

  assert.match(traefik.image, /^traefik:v3\.\d+(\.\d+)?$/)
  for (const [name, s] of Object.entries(services as Record<string, { restart: string, healthcheck: { test: string[] } }>)) {
    assert.equal(s.restart, 'unless-stopped', name)
    assert.ok(s.healthcheck.test.length > 1, name)
  }
  // every ${VAR} compose reads from .env is documented in .env.example
  const used = new Set([...readFileSync(new URL('compose.yaml', root), 'utf8').matchAll(/\$\{([A-Z_]+)/g)].map(m => m[1]))
  const documented = new Set([...readFileSync(new URL('.env.example', root), 'utf8').matchAll(/^([A-Z_]+)=/gm)].map(m => m[1]))
  assert.deepEqual([...used].filter(v => !documented.has(v)), [])
})

test('the schema catches a broken file: the validators are not rubber stamps', () => {
  const dynamic = validator('traefik-schemas/traefik-v3-file-provider.json')
  assert.equal(dynamic({ http: { middlewares: { hall: { forwardAuth: { address: 'x', authSigninURL: 'y' } } } } }), false)
  const compose = validator('compose-schema/compose-spec.json')
  assert.equal(compose({ services: { hall: { image: 'hall', network: 'host' } } }), false)
  const staticConfig = validator('traefik-schemas/traefik-v3.json')
  assert.equal(staticConfig({ providers: { file: { directory: '/x', watched: true } } }), false)
})

test('the example domains.json loads without warnings and does what deploy/README.md says', () => {
  const { config, warnings } = loadConfig(new URL('deploy/domains.example.json', root).pathname)
  assert.deepEqual(warnings, [])
  assert.deepEqual([...config.domains.keys()].sort(), ['erp.audit-io.fr', 'testing.audit-io.fr'])
  const testing = config.servers.get('testing')!
  const erp = config.servers.get('erp')!
  // testing: on demand, woken through the relay, shut down after 20 idle minutes
  assert.deepEqual([testing.policy, testing.wake.method, testing.schedule, testing.idleShutdownMs], ['on_demand', 'ssh', null, 20 * 60_000])
  // erp: office hours in Paris, woken by UDP; K3s's /readyz answers 401 over a self-signed certificate
  assert.deepEqual([erp.policy, erp.wake.method, erp.schedule?.timezone], ['scheduled', 'udp', 'Europe/Paris'])
  const readyz = erp.health.find(c => c.type === 'http' && c.url.endsWith('/readyz'))
  assert.deepEqual(readyz, { type: 'http', url: 'https://192.168.1.30:6443/readyz', expectStatus: { kind: 'codes', codes: [401] }, expectBody: null, insecureTls: true })
})
