import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parse } from 'yaml'
import { parseConfig } from '../../../service/src/config/load.js'
import { renderTraefik } from '../../../service/src/traefik/render.js'
import { toTraefikYaml } from '../../../service/src/traefik/yaml.js'
import { officialValidator, schemaProblems as problems } from '../../helpers/official-schemas.js'

// Traefik cannot run here: the YAML `hall render-traefik` writes is checked against Traefik's
// official dynamic-config schema instead.
const root = new URL('../../../', import.meta.url)
const dynamicValidator = () => officialValidator('traefik-schemas/traefik-v3-file-provider.json')

type DomainsJson = { domains: Record<string, Record<string, unknown>>, traefik?: object } & Record<string, unknown>
const read = (path: string): DomainsJson => JSON.parse(readFileSync(new URL(path, root), 'utf8'))
/**
 * Every option the renderer has turned on: a cert resolver, a self-signed upstream, Hall elsewhere.
 * (The schema does not describe http.serversTransports; tests/unit/traefik checks its shape.)
 */
function everything (): DomainsJson {
  const file = read('tests/fixtures/config/full.json')
  file.domains['testing.audit-io.fr']!.insecure_tls = true
  file.traefik = { entry_point: 'websecure', cert_resolver: 'letsencrypt', hall_url: 'http://hall:8080' }
  return file
}

const cases = [
  { name: 'deploy/domains.example.json', file: () => read('deploy/domains.example.json') },
  { name: 'the DESIGN.md full example', file: () => read('tests/fixtures/config/full.json') },
  { name: 'cert resolver and a self-signed upstream', file: everything }
]
for (const c of cases) {
  test(`render-traefik YAML for ${c.name} is valid Traefik v3 dynamic configuration`, () => {
    const validate = dynamicValidator()
    const dynamic = renderTraefik(parseConfig(JSON.stringify(c.file())), 'https://hall.example.com')
    const yaml = parse(toTraefikYaml(dynamic, { configFile: c.name, publicUrl: 'https://hall.example.com' }))
    assert.ok(validate(yaml), problems(validate.errors))
  })
}

test('the schema checks what Hall emits: a key it lacks, or a router without a rule, is caught', () => {
  const validate = dynamicValidator()
  type Editable = { http: { middlewares: { hall: { forwardAuth: Record<string, unknown> } }, routers: Record<string, Record<string, unknown>> } }
  const dynamic: Editable = JSON.parse(JSON.stringify(renderTraefik(parseConfig(JSON.stringify(everything())), 'https://hall.example.com')))
  dynamic.http.middlewares.hall.forwardAuth.authSigninURL = 'https://hall.example.com/login'
  assert.equal(validate(dynamic), false)
  delete dynamic.http.middlewares.hall.forwardAuth.authSigninURL
  delete dynamic.http.routers['hall-erp-audit-io-fr']!.rule
  assert.equal(validate(dynamic), false)
})
