import { z } from 'zod'
import { domainsFileSchema } from './schema.js'

/** `schemas/domains.schema.json`, generated from the zod schema so the two cannot disagree. */
export function renderDomainsJsonSchema (): string {
  const schema = z.toJSONSchema(domainsFileSchema, { io: 'input', target: 'draft-2020-12' })
  const titled = { ...schema, title: 'Hall domains.json', description: 'Servers Hall wakes, the relays it wakes them through, and the domains they serve.' }
  return `${JSON.stringify(titled, null, 2)}\n`
}
