import { escapeHtml } from '../../views/escape.js'
import { csrfField, type AdminContext } from './context.js'
import { renderAdminPage, type Section } from './layout.js'
import { adminMessages } from './strings.js'

export interface Confirmation {
  readonly section: Section | null
  /** Plain text. */
  readonly question: string
  /** Where the confirmed form goes: the same action, now with confirm=yes. */
  readonly action: string
  /** Other fields of the form to carry over (never a password: those are confirmed by script only). */
  readonly fields?: Readonly<Record<string, string>>
  /** Plain text: the button's visible name. */
  readonly submit: string
  readonly cancelHref: string
}

/**
 * Without JavaScript there is no confirm(): a state-changing form first answers with this page,
 * whose button sends the same form again with confirm=yes.
 */
export function renderConfirmPage (ctx: AdminContext, c: Confirmation): string {
  const t = adminMessages[ctx.lang]
  const hidden = Object.entries(c.fields ?? {}).map(([name, value]) =>
    `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('\n')
  const body = `<form method="post" action="${escapeHtml(c.action)}" class="confirm-form">
${csrfField(ctx)}
${hidden}
<input type="hidden" name="confirm" value="yes">
<p class="question">${escapeHtml(c.question)}</p>
<p class="form-buttons"><button type="submit" class="button">${escapeHtml(c.submit)}</button>
<a href="${escapeHtml(c.cancelHref)}">${escapeHtml(t.cancel)}</a></p>
</form>`
  return renderAdminPage(ctx, { title: t.confirm, section: c.section, body })
}
