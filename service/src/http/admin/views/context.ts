import type { Lang } from '../../i18n.js'
import type { AdminAccount } from '../session-types.js'
import { escapeHtml } from '../../views/escape.js'

/** What every admin view needs besides its own data. */
export interface AdminContext {
  readonly lang: Lang
  readonly account: AdminAccount
  /** The CSRF token every form carries (reply.generateCsrf()). */
  readonly csrf: string
  /** Times are shown in Hall's own time zone: the browser's is not known to the server. */
  readonly timeZone: string
  readonly nowMs: number
  /** Hall has client projects: the Projects section is shown. */
  readonly projects?: boolean
}

export function canChange (ctx: AdminContext): boolean {
  return ctx.account.role === 'admin'
}

const formats = new Map<string, Intl.DateTimeFormat>()

/** `26/11/2026 09:12:03` (fr) or `26 Nov 2026, 09:12:03` (en), in `timeZone`. */
export function formatDateTime (ms: number, lang: Lang, timeZone: string): string {
  const key = `${lang} ${timeZone}`
  let format = formats.get(key)
  if (format === undefined) {
    // en-GB: a 24-hour clock and day-month order, as in French
    format = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium', timeZone })
    formats.set(key, format)
  }
  return format.format(ms)
}

/** A `<time>` element: machine-readable UTC, human-readable local time. */
export function timeTag (ms: number | null, ctx: AdminContext, empty = '—'): string {
  if (ms === null) return escapeHtml(empty)
  return `<time datetime="${new Date(ms).toISOString()}">${escapeHtml(formatDateTime(ms, ctx.lang, ctx.timeZone))}</time>`
}

/** The hidden field every admin form carries. */
export function csrfField (ctx: AdminContext): string {
  return `<input type="hidden" name="_csrf" value="${escapeHtml(ctx.csrf)}">`
}
