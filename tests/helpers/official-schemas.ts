import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'

// Traefik and Docker cannot run here: what Hall renders and ships for them is checked against the
// official schemas, copied into tests/fixtures/official-schemas/ (sources and licences in its README).
const folder = new URL('../fixtures/official-schemas/', import.meta.url)

export type OfficialSchema =
  | 'traefik-schemas/traefik-v3.json'
  | 'traefik-schemas/traefik-v3-file-provider.json'
  | 'compose-schema/compose-spec.json'

export function officialValidator (schema: OfficialSchema): ValidateFunction {
  // draft-07 schemas whose $schema Ajv 8 does not bundle, so the meta-schema check is off
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false })
  addFormats.default(ajv)
  return ajv.compile(JSON.parse(readFileSync(new URL(schema, folder), 'utf8')))
}

export function schemaProblems (errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map(e => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n')
}

/** Asserts without narrowing `value` to the validator's `unknown`. */
export function assertValid (validate: ValidateFunction, value: unknown): void {
  assert.ok(validate(value), schemaProblems(validate.errors))
}
