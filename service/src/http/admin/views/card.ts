import { fill, messages } from '../../i18n.js'
import { cardView, type CardJson, type CardStrings } from '../../public/admin/card-display.js'
import { escapeHtml } from '../../views/escape.js'
import { canChange, csrfField, type AdminContext } from './context.js'
import { adminMessages } from './strings.js'

/** The strings card-display.js needs, in the page's language: also sent to overview.js. */
export function cardStrings (ctx: Pick<AdminContext, 'lang'>): CardStrings {
  const t = adminMessages[ctx.lang]
  return { card: t.card, badge: messages[ctx.lang].badge, wakeOutcome: t.server.wakeOutcome }
}

/**
 * One server's card. Every part the script may change is always rendered (hidden when empty),
 * marked with data-field, so the script sets text and `hidden` and never builds HTML.
 */
export function renderCard (card: CardJson, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang]
  const v = cardView(card, cardStrings(ctx), ctx.nowMs)
  const name = escapeHtml(card.server)
  const id = `server-${name}`
  const hidden = (show: boolean): string => show ? '' : ' hidden'
  const text = (field: string, value: string | null, tag = 'p', cls = ''): string =>
    `<${tag} data-field="${field}"${cls === '' ? '' : ` class="${cls}"`}${hidden(value !== null)}>${escapeHtml(value ?? '')}</${tag}>`
  const steps = ['requested', 'sent', 'alive', 'running'].map(step => {
    const s = v.steps?.find(x => x.step === step)
    return `<li data-step="${step}"><span class="step-label">${escapeHtml(t.card.steps[step as keyof typeof t.card.steps])}</span> <span data-field="step-at">${escapeHtml(s?.at ?? '')}</span></li>`
  }).join('')
  const domains = card.domains.length === 0 ? `<span class="muted">${escapeHtml(t.card.noDomain)}</span>` : card.domains.map(escapeHtml).join(', ')
  return `<article class="server-card" id="${id}" data-server="${name}" data-state="${escapeHtml(card.state)}" aria-labelledby="${id}-name">
<header class="card-head">
<h2 id="${id}-name"><a href="/admin/servers/${encodeURIComponent(card.server)}">${name}</a></h2>
<span class="badge badge-${escapeHtml(card.state.toLowerCase())}" data-field="state">${escapeHtml(v.state)}</span>
</header>
<dl class="facts">
<div><dt>${escapeHtml(t.card.policy)}</dt><dd>${escapeHtml(t.policy[card.policy as keyof typeof t.policy] ?? card.policy)}</dd></div>
<div><dt>${escapeHtml(t.card.since)}</dt><dd data-field="since">${escapeHtml(v.since)}</dd></div>
<div><dt>${escapeHtml(t.card.domains)}</dt><dd class="domain">${domains}</dd></div>
</dl>
<div class="wake-steps" data-field="steps"${hidden(v.steps !== null)}>
<p class="steps-heading">${escapeHtml(t.card.wakeHeading)}</p>
<ol>${steps}</ol>
</div>
${text('countdown', v.countdown)}
${text('suspended', v.suspended ? t.card.suspended : null)}
${text('shutting-down', v.shuttingDown ? t.card.shuttingDown : null)}
${text('schedule', v.schedule, 'p', 'muted')}
${text('last-wake', v.lastWake, 'p', 'muted')}
${text('refusal', v.refusal, 'p', 'refusal')}
<p class="card-notice" data-field="notice" role="status" aria-live="polite"></p>
${canChange(ctx) ? renderActions(card, ctx, v.wake, v.shutdown) : ''}
</article>`
}

function renderActions (card: CardJson, ctx: AdminContext, wake: boolean, shutdown: boolean): string {
  const t = adminMessages[ctx.lang].card
  const server = { server: card.server }
  const form = (action: 'wake' | 'shutdown', show: boolean, label: string, aria: string, question: string): string => `<form method="post" action="/admin/servers/${encodeURIComponent(card.server)}/${action}" class="card-action" data-action="${action}" data-confirm="${escapeHtml(fill(question, server))}"${show ? '' : ' hidden'}>
${csrfField(ctx)}
<button type="submit" class="button${action === 'shutdown' ? ' button-secondary' : ''}" aria-label="${escapeHtml(fill(aria, server))}">${escapeHtml(label)}</button>
</form>`
  return `<div class="card-actions">
${form('wake', wake, t.wake, t.wakeLabel, t.confirmWake)}
${form('shutdown', shutdown, t.shutdown, t.shutdownLabel, t.confirmShutdown)}
</div>`
}
