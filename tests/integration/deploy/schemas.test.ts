import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { Ajv, type ErrorObject } from 'ajv'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
import { loadConfigFile } from '../../../service/src/config/load.js'
import { missingTool } from '../../helpers/missing-tool.js'

// Traefik cannot run here: what Hall ships for it is checked against Traefik's official
// schemas instead (kept in ../shared, beside the repository), and compose.yaml against the spec's.
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

const skip = !existsSync(new URL('traefik-schemas/traefik-v3-file-provider.json', shared)) &&
  missingTool('../shared beside the repository', 'it holds the official schemas')

test('traefik-dynamic/hall.yml is valid Traefik v3 dynamic configuration', { skip }, () => {
  const validate = validator('traefik-schemas/traefik-v3-file-provider.json')
  const config = parse(readFileSync(new URL('traefik-dynamic/hall.yml', root), 'utf8')) as { http: { middlewares: { hall: { forwardAuth: { trustForwardHeader?: boolean } } } } }
  assert.ok(validate(config), problems(validate.errors))
  assert.equal(config.http.middlewares.hall.forwardAuth.trustForwardHeader, false)
})

test('deploy/traefik/traefik.yml is valid Traefik v3 static configuration', { skip }, () => {
  const validate = validator('traefik-schemas/traefik-v3.json')
  const config = parse(readFileSync(new URL('deploy/traefik/traefik.yml', root), 'utf8'))
  assert.ok(validate(config), problems(validate.errors))
})

test('compose.yaml follows the Compose specification', { skip }, () => {
  const validate = validator('compose-schema/compose-spec.json')
  const compose = parse(readFileSync(new URL('compose.yaml', root), 'utf8'))
  assert.ok(validate(compose), problems(validate.errors))
})

test('the schema catches a broken file: the validators are not rubber stamps', { skip }, () => {
  const validate = validator('traefik-schemas/traefik-v3-file-provider.json')
  assert.equal(validate({ http: { middlewares: { hall: { forwardAuth: { address: 'x', authSigninURL: 'y' } } } } }), false)
})

test('the example domains.json loads', () => {
  const config = loadConfigFile(new URL('deploy/domains.example.json', root).pathname)
  assert.deepEqual([...config.domains.keys()].sort(), ['erp.audit-io.fr', 'testing.audit-io.fr'])
})
