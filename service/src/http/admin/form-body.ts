import type { FastifyInstance } from 'fastify'

/** The admin's forms are small: names, a password, a token. */
export const FORM_BODY_LIMIT_BYTES = 16 * 1024

export type FormFields = Record<string, string>

/**
 * HTML forms post application/x-www-form-urlencoded, which Fastify does not parse by itself.
 * Added to the admin's scope only; skipped when an enclosing scope (the login) parses them already.
 */
export function acceptForms (app: FastifyInstance): void {
  if (app.hasContentTypeParser('application/x-www-form-urlencoded')) return
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT_BYTES },
    (_req, body, done) => { done(null, parseForm(body as string)) })
}

/**
 * As the login scope parses them, so the pages read the same fields either way: a field sent twice
 * keeps its last value; the object has no prototype, so `__proto__` is just a name.
 */
export function parseForm (text: string): FormFields {
  return Object.assign(Object.create(null), Object.fromEntries(new URLSearchParams(text)))
}
