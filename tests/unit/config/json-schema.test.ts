import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import test from 'node:test'
import { renderDomainsJsonSchema } from '../../../service/src/config/json-schema.js'

const committed = new URL('../../../schemas/domains.schema.json', import.meta.url)

test('schemas/domains.schema.json is exactly what the zod schema renders (no drift)', () => {
  const onDisk = readFileSync(committed, 'utf8')
  const rendered = renderDomainsJsonSchema()
  assert.ok(onDisk === rendered,
    'schemas/domains.schema.json is out of date with service/src/config/schema.ts: run `npm run schema` and commit the result')
})

test('the rendered schema is JSON Schema 2020-12 describing domains.json', () => {
  const schema = JSON.parse(renderDomainsJsonSchema()) as { $schema: string, title: string, required: string[], properties: Record<string, unknown> }
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema')
  assert.equal(schema.title, 'Hall domains.json')
  assert.deepEqual(schema.required, ['domains'])
  assert.deepEqual(Object.keys(schema.properties).sort(), ['$schema', 'alerts', 'domains', 'relays', 'servers', 'traefik'])
})
