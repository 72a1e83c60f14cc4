import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
import { loadConfigFile } from '../../../service/src/config/load.js'
import { missingTool } from '../../helpers/missing-tool.js'

// Traefik and Docker cannot run here: what Hall ships for them is checked against Traefik's
// official schemas instead (kept in ../shared, beside the repository), compose.yaml against the
// Compose specification's, and the files are checked against each other where they must agree.

const root = new URL('../../../', import.meta.url)
const shared = new URL('../shared/', root)

function validator (schemaFile: string) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false })
  addFormats.default(ajv)
  return ajv.compile(JSON.parse(readFileSync(new URL(schemaFile, shared), 'utf8')))
}

function problems (errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map(e => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n')
}

function yamlFile (path: string): any {
  return parse(readFileSync(new URL(path, root), 'utf8'))
}

const skip = !existsSync(new URL('traefik-schemas/traefik-v3-file-provider.json', shared)) &&
  missingTool('../shared beside the repository', 'it holds the official schemas')

const STATIC_CONFIGS = ['deploy/traefik/traefik.yml', 'deploy/traefik/traefik-bare-metal.yml']

test('traefik-dynamic/hall.yml is valid Traefik v3 dynamic configuration', { skip }, () => {
  const validate = validator('traefik-schemas/traefik-v3-file-provider.json')
  const config = yamlFile('traefik-dynamic/hall.yml') as { http: { middlewares: { hall: { forwardAuth: { trustForwardHeader?: boolean } } } } }
  assert.ok(validate(config), problems(validate.errors))
  assert.equal(config.http.middlewares.hall.forwardAuth.trustForwardHeader, false)
})

for (const file of STATIC_CONFIGS) {
  test(`${file} is valid Traefik v3 static configuration: HTTP to HTTPS, ACME, no open dashboard, access log`, { skip }, () => {
    const validate = validator('traefik-schemas/traefik-v3.json')
    const config = yamlFile(file)
    assert.ok(validate(config), problems(validate.errors))
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

test('the bare-metal Traefik polls Hall\'s HTTP provider endpoint on loopback', { skip }, () => {
  const config = yamlFile('deploy/traefik/traefik-bare-metal.yml')
  assert.equal(config.providers.http.endpoint, 'http://127.0.0.1:8080/traefik/dynamic')
})

test('deploy/traefik/dynamic/dashboard.yml is valid, before and after Traefik fills in its {{ env }} values', { skip }, () => {
  const validate = validator('traefik-schemas/traefik-v3-file-provider.json')
  const text = readFileSync(new URL('deploy/traefik/dynamic/dashboard.yml', root), 'utf8')
  const env: Record<string, string> = { TRAEFIK_DASHBOARD_HOST: 'traefik.audit-io.fr', TRAEFIK_DASHBOARD_USERS: 'admin:$2y$05$abcdefghijklmnopqrstuuJ1r1lwZ8mRzgbq6yZ9a0AaSC0c1.4W2' }
  // Traefik runs Go templates over the file before reading it as YAML; only `env` is used here
  const rendered = text.replace(/\{\{ env "([A-Z_]+)" \}\}/g, (_m, name: string) => env[name] ?? '')
  assert.doesNotMatch(rendered, /\{\{/)
  for (const config of [parse(text), parse(rendered)]) assert.ok(validate(config), problems(validate.errors))

  const http = parse(rendered).http
  const router = http.routers['traefik-dashboard']
  assert.equal(router.rule, 'Host(`traefik.audit-io.fr`)')
  assert.equal(router.service, 'api@internal')
  assert.deepEqual(router.entryPoints, ['websecure'])
  // the LAN check comes before the password prompt
  assert.deepEqual(router.middlewares.slice(0, 2), ['dashboard-lan', 'dashboard-auth'])
  assert.deepEqual(http.middlewares['dashboard-auth'].basicAuth.users, [env.TRAEFIK_DASHBOARD_USERS])
  for (const range of http.middlewares['dashboard-lan'].ipAllowList.sourceRange as string[]) {
    assert.match(range, /^(192\.168\.|10\.|127\.|::1\/)/, `${range} is not a LAN or loopback range`)
  }
  // no name Hall's renderer uses (`hall`, `hall-<domain>`), so the two files never collide
  for (const kind of ['routers', 'middlewares'] as const) {
    for (const name of Object.keys(http[kind])) assert.doesNotMatch(name, /^hall($|-)/, name)
  }
})

test('compose.yaml follows the Compose specification', { skip }, () => {
  const validate = validator('compose-schema/compose-spec.json')
  const compose = yamlFile('compose.yaml')
  assert.ok(validate(compose), problems(validate.errors))
})

test('the schema catches a broken file: the validators are not rubber stamps', { skip }, () => {
  const dynamic = validator('traefik-schemas/traefik-v3-file-provider.json')
  assert.equal(dynamic({ http: { middlewares: { hall: { forwardAuth: { address: 'x', authSigninURL: 'y' } } } } }), false)
  const compose = validator('compose-schema/compose-spec.json')
  assert.equal(compose({ services: { hall: { image: 'hall', network: 'host' } } }), false)
  const staticConfig = validator('traefik-schemas/traefik-v3.json')
  assert.equal(staticConfig({ providers: { file: { directory: '/x', watched: true } } }), false)
})

test('the example domains.json loads', () => {
  const config = loadConfigFile(new URL('deploy/domains.example.json', root).pathname)
  assert.deepEqual([...config.domains.keys()].sort(), ['erp.audit-io.fr', 'testing.audit-io.fr'])
})
