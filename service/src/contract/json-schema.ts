import { z } from 'zod'

export type JsonSchema = { [key: string]: unknown }

// Keywords this rewrite does not know how to hand to fast-json-stringify: it would either validate
// every answer with ajv (and fail on a valid one) or need references the route does not carry.
const unsupported = ['oneOf', 'allOf', 'not', 'if', '$ref', '$defs', 'definitions', 'patternProperties', 'prefixItems']

/**
 * A contract schema as Fastify's serializer (fast-json-stringify) reads it. zod writes `X | null`
 * as `anyOf: [X, {type: 'null'}]`; fast-json-stringify resolves an anyOf by validating the value
 * against each branch on every answer, and the `additionalProperties: false` zod puts on objects
 * then refuses an object with one field more: a 500 instead of an answer. So a nullable becomes
 * `type: [X's type, 'null']`, which it serializes without validating. Anything else it cannot
 * serialize safely throws here, when the routes are built, not when a client asks.
 */
export function toResponseSchema (schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'throw' })
  return rewrite(json, '#')
}

function rewrite (node: JsonSchema, at: string): JsonSchema {
  const { anyOf, ...rest } = node
  const out: JsonSchema = anyOf === undefined ? { ...rest } : { ...rest, ...nullable(anyOf, at) }
  const bad = unsupported.find(k => k in out)
  if (bad !== undefined) throw new Error(`${at}: "${bad}" cannot be used in a response schema`)
  if (isSchema(out.properties)) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([k, v]) => [k, rewrite(asSchema(v, `${at}/properties/${k}`), `${at}/properties/${k}`)]))
  }
  if (out.items !== undefined) out.items = rewrite(asSchema(out.items, `${at}/items`), `${at}/items`)
  if (isSchema(out.additionalProperties)) out.additionalProperties = rewrite(out.additionalProperties, `${at}/additionalProperties`)
  return out
}

/** `anyOf: [X, {type: 'null'}]` -> X with `type: [X's type, 'null']` (and null among its enum values). */
function nullable (anyOf: unknown, at: string): JsonSchema {
  const options = Array.isArray(anyOf) ? anyOf.map((o, i) => asSchema(o, `${at}/anyOf/${i}`)) : []
  const others = options.filter(o => o.type !== 'null')
  const other = others[0]
  if (options.length !== 2 || others.length !== 1 || other === undefined || typeof other.type !== 'string' || 'anyOf' in other) {
    throw new Error(`${at}: only "X or null" unions can be used in a response schema`)
  }
  // X's own properties and items are rewritten by the caller, with the rest of the node
  return { ...other, type: [other.type, 'null'], ...(Array.isArray(other.enum) ? { enum: [...other.enum, null] } : {}) }
}

function isSchema (value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function asSchema (value: unknown, at: string): JsonSchema {
  if (!isSchema(value)) throw new Error(`${at}: expected a schema object`)
  return value
}
