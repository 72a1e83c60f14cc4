import { z } from 'zod'

/**
 * `alerts` in domains.json: where Hall tells people that something went wrong, and when it is
 * over. Secrets are named, never written here: a header value or an ntfy token comes from an
 * environment variable, so the file can be shared and committed.
 */

export const alertEvents = ['wake_failed', 'always_on_down', 'flapping', 'shutdown_failed', 'config_rejected'] as const

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name such as HALL_ALERT_TOKEN' })
const alertUrl = z.url({ protocol: /^https?$/, error: 'expected an absolute http:// or https:// URL' })

/**
 * What Node sends in a header value: printable ASCII and tabs. Anything else (an arrow, an accent,
 * a line break) makes http.request throw, so it is refused here, where the file's author sees it.
 */
export const SENDABLE_HEADER_VALUE = /^[\t\x20-\x7e]*$/
const headerText = z.string().regex(SENDABLE_HEADER_VALUE, {
  error: 'expected a header value in printable ASCII (no accents, symbols such as "→" or line breaks)'
})

export const secretRefSchema = z.strictObject({ env: envName.describe('The environment variable holding the value') })

export const ntfySchema = z.strictObject({
  url: alertUrl.default('https://ntfy.sh').describe('The ntfy server'),
  topic: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected an ntfy topic: letters, digits, "-" or "_"' }),
  token_env: envName.optional().describe('The environment variable holding the ntfy access token')
})

export const alertTargetSchema = z.strictObject({
  name: z.string().min(1).max(64).optional().describe('Shown in Hall\'s log instead of the URL'),
  url: alertUrl.optional().describe('A generic JSON webhook: Hall POSTs one JSON object per alert'),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, { error: 'expected an HTTP header name' }), z.union([headerText, secretRefSchema]))
    .optional().describe('Extra headers; a value {"env": "NAME"} is read from the environment'),
  ntfy: ntfySchema.optional(),
  events: z.array(z.enum(alertEvents)).min(1).default([...alertEvents]),
  down_after_minutes: z.number().positive().max(1440).default(5).describe('always_on_down: how long an always_on server may be down first'),
  flapping_changes_per_hour: z.int().min(2).max(1000).default(12).describe('flapping: more state changes than this within an hour')
}).refine(t => (t.url === undefined) !== (t.ntfy === undefined), { error: 'an alert target needs one of "url" (a JSON webhook) or "ntfy", not both' })
  .refine(t => t.headers === undefined || t.url !== undefined, { error: '"headers" go with "url" (a JSON webhook)' })

export const alertsSchema = z.array(alertTargetSchema).default([])

export type AlertTargetEntry = z.output<typeof alertTargetSchema>
