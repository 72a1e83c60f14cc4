import type { CardJson } from '../../public/admin/card-display.js'
import { escapeHtml } from '../../views/escape.js'
import { cardStrings, renderCard } from './card.js'
import type { AdminContext } from './context.js'
import { renderAdminPage } from './layout.js'
import { adminMessages } from './strings.js'

/** `/admin/`: one card per server, kept current by overview.js over /admin/api/stream. */
export function renderOverviewPage (cards: readonly CardJson[], ctx: AdminContext, notice: string | null = null): string {
  const t = adminMessages[ctx.lang]
  const body = cards.length === 0
    ? `<p class="muted">${escapeHtml(t.overview.empty)}</p>`
    : `<p class="live-status muted" id="hall-live-status" role="status" hidden></p>
<div class="cards" id="hall-cards" data-stream-url="/admin/api/stream" data-snapshot-url="/admin/api/servers" data-now-ms="${ctx.nowMs}">
${cards.map(c => renderCard(c, ctx)).join('\n')}
</div>`
  return renderAdminPage(ctx, {
    title: t.overview.title,
    section: 'overview',
    body,
    notice,
    scripts: ['overview.js'],
    data: { 'hall-card-strings': { ...cardStrings(ctx), live: t.card.live, changed: t.card.changed } }
  })
}
