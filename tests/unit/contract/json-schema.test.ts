import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { errorReplySchema } from '../../../service/src/contract/error-reply.js'
import { healthSchema } from '../../../service/src/contract/health.js'
import { toResponseSchema } from '../../../service/src/contract/json-schema.js'
import { domainStatusSchema, serverStatusSchema, statusListSchema } from '../../../service/src/contract/status.js'

test('response schema: "X or null" becomes a type list, which the serializer writes without validating', () => {
  const schema = toResponseSchema(z.object({
    at: z.iso.datetime().nullable(),
    count: z.number().int().nullable(),
    phase: z.enum(['opens', 'closes']).nullable(),
    error: z.object({ code: z.string(), inner: z.boolean().nullable() }).nullable(),
    list: z.array(z.string().nullable())
  }))
  assert.equal('$schema' in schema, false)
  const properties = schema.properties as Record<string, Record<string, unknown>>
  assert.deepEqual(properties.at?.type, ['string', 'null'])
  assert.equal(properties.at?.format, 'date-time')
  assert.deepEqual(properties.count?.type, ['integer', 'null'])
  assert.deepEqual(properties.phase, { type: ['string', 'null'], enum: ['opens', 'closes', null] })
  assert.deepEqual(properties.error?.type, ['object', 'null'])
  assert.deepEqual(properties.error?.required, ['code', 'inner'])
  assert.deepEqual((properties.error?.properties as Record<string, unknown>).inner, { type: ['boolean', 'null'] })
  assert.deepEqual(properties.list?.items, { type: ['string', 'null'] })
  assert.deepEqual(schema.required, ['at', 'count', 'phase', 'error', 'list'])
})

interface Tree { name: string, children: Tree[] }
const tree: z.ZodType<Tree> = z.lazy(() => z.object({ name: z.string(), children: z.array(tree) }))

// what zod can merge into one type (string | number, an intersection of objects) is accepted as is
const refused = [
  { name: 'a union of two objects', schema: z.object({ a: z.union([z.object({ x: z.string() }), z.object({ y: z.number() })]) }), at: '#/properties/a' },
  { name: 'a string or an object', schema: z.object({ a: z.union([z.string(), z.object({ y: z.number() })]).nullable() }), at: '#/properties/a' },
  { name: 'a union inside an array', schema: z.array(z.union([z.literal(1), z.object({ y: z.number() })])), at: '#/items' },
  { name: 'a recursive schema', schema: tree, at: '#/properties/children/items' }
]
for (const c of refused) {
  test(`response schema: ${c.name} is refused when the routes are built, naming where`, () => {
    assert.throws(() => toResponseSchema(c.schema), (err: Error) => err.message.startsWith(`${c.at}:`))
  })
}

/** Every keyword of the serializer's schema, however deep. */
function keywords (node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(keywords)
  if (typeof node !== 'object' || node === null) return []
  return Object.entries(node).flatMap(([k, v]) => [k, ...keywords(v)])
}

for (const [name, schema] of Object.entries({ domainStatusSchema, serverStatusSchema, statusListSchema, healthSchema, errorReplySchema })) {
  test(`response schema: ${name} converts, with no anyOf left for the serializer to validate`, () => {
    const json = toResponseSchema(schema)
    assert.equal(json.type, 'object')
    assert.ok(!keywords(json).includes('anyOf'))
  })
}
