import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { parse } from 'yaml'
import { parseConfig } from '../../../service/src/config/load.js'
import type { AccessMode, ProjectSpec } from '../../../service/src/projects/types.js'
import { renderTraefik } from '../../../service/src/traefik/render.js'
import { toTraefikYaml } from '../../../service/src/traefik/yaml.js'
import { assertValid, officialValidator } from '../../helpers/official-schemas.js'

// Client projects add a passTLSClientCert middleware, a top-level tls.options entry and a
// router's tls.options: checked against Traefik's official dynamic-config schema, as the HTTP
// provider's JSON and as the file provider's YAML.
const PUBLIC_URL = 'https://hall.example.com'
const dynamicValidator = () => officialValidator('traefik-schemas/traefik-v3-file-provider.json')

function hosting (): ReturnType<typeof parseConfig> {
  const file = JSON.parse(readFileSync(new URL('../../fixtures/config/full.json', import.meta.url), 'utf8'))
  file.servers.testing.capacity = { cpu: 8, memory_mib: 16384, disk_gib: 200 }
  file.servers.testing.podman = { relay: 'testing-admin' }
  file.traefik = { cert_resolver: 'letsencrypt' }
  return parseConfig(JSON.stringify(file))
}

const project = (name: string, access: AccessMode, port: number): ProjectSpec => ({
  name,
  client: name,
  host: `${name}.testing.audit-io.fr`,
  server: 'testing',
  port,
  containerPort: 8080,
  image: 'docker.io/library/nginx:1.27',
  allocation: { cpu: 1, memoryMib: 512, diskGib: 5 },
  access
})
const projects = [project('acme', 'certificate', 10080), project('globex', 'members', 10081), project('initech', 'public', 10082)]

test('certificate, members and public projects render valid Traefik v3 dynamic configuration, as JSON and as YAML', () => {
  const validate = dynamicValidator()
  const dynamic = renderTraefik(hosting(), PUBLIC_URL, undefined, projects)
  assert.ok(dynamic.tls, 'the certificate project brings the TLS option this test is about')
  // the HTTP provider's body
  assertValid(validate, JSON.parse(JSON.stringify(dynamic)))
  // the file provider's hall.yml
  const yaml = toTraefikYaml(dynamic, { configFile: 'domains.json', publicUrl: PUBLIC_URL })
  assert.deepEqual(parse(yaml), dynamic)
  assertValid(validate, parse(yaml))
})

test('the schema checks the new parts: an unknown passTLSClientCert key or tls section is caught', () => {
  const validate = dynamicValidator()
  type Editable = { http: { middlewares: Record<string, { passTLSClientCert?: Record<string, unknown> }> }, tls: Record<string, unknown> }
  const fresh = (): Editable => JSON.parse(JSON.stringify(renderTraefik(hosting(), PUBLIC_URL, undefined, projects)))
  const typo = fresh()
  typo.http.middlewares.hall_client_certificate!.passTLSClientCert!.pemm = true
  assert.equal(validate(typo), false)
  const misplaced = fresh()
  misplaced.tls.option = misplaced.tls.options
  assert.equal(validate(misplaced), false)
})
