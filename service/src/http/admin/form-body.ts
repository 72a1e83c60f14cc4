import type { FastifyInstance } from 'fastify'

/** The admin's forms are small: names, a password, a token. */
export const FORM_BODY_LIMIT_BYTES = 16 * 1024

export type FormFields = Record<string, string | string[]>

/**
 * HTML forms post application/x-www-form-urlencoded, which Fastify does not parse by itself.
 * Added to the admin's scope only; skipped when an enclosing scope (the login) parses them already.
 */
export function acceptForms (app: FastifyInstance): void {
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) return
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES },
    (_req, body, done) => { done(null, parseForm(body as string)) })
}

/** A field sent twice (checkboxes) becomes a list; the object has no prototype, so `__proto__` is just a name. */
export function parseForm (text: string): FormFields {
  const fields: FormFields = Object.create(null)
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = fields[name]
    fields[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]
  }
  return fields
}
