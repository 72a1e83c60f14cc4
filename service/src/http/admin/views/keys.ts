import { fill } from '../../i18n.js'
import type { ApiKeyAction, ApiKeyRecord } from '../../../store/index.js'
import { escapeHtml } from '../../views/escape.js'
import { canChange, csrfField, timeTag, type AdminContext } from './context.js'
import { renderAdminPage } from './layout.js'
import { adminMessages } from './strings.js'

export interface KeysModel {
  /** Oldest first, as the store lists them. */
  readonly keys: readonly ApiKeyRecord[]
  /** The key just made: shown this once, never stored in clear. */
  readonly created?: { readonly name: string, readonly key: string } | null
  /** What the refused form held, so it is not typed again. */
  readonly form?: { readonly name: string, readonly servers: string, readonly actions: readonly string[] }
  readonly notice?: string | null
  readonly problem?: string | null
}

/** `/admin/keys`: the keys `hall apikey` makes, listed; created and revoked by admins. */
export function renderKeysPage (m: KeysModel, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].keys
  const admin = canChange(ctx)
  const created = m.created == null
    ? ''
    : `<div class="created-key" role="status">
<p>${escapeHtml(fill(t.created, { name: m.created.name }))}</p>
<p class="copy-row"><label for="hall-new-key" class="visually-hidden">${escapeHtml(t.newKey)}</label>
<input id="hall-new-key" class="secret" readonly value="${escapeHtml(m.created.key)}" autocomplete="off" spellcheck="false">
<button type="button" class="button" id="hall-copy-key" data-copied="${escapeHtml(t.copied)}" hidden>${escapeHtml(t.copy)}</button></p>
</div>`
  const headers = [t.col.name, t.col.prefix, t.col.servers, t.col.actions, t.col.created, t.col.lastUsed, t.col.status]
  const rows = m.keys.map(k => renderKey(k, ctx, admin)).join('\n')
  const list = m.keys.length === 0
    ? `<p class="muted">${escapeHtml(t.empty)}</p>`
    : `<div class="table-wrap"><table>
<thead><tr>${headers.map(h => `<th scope="col">${escapeHtml(h)}</th>`).join('')}${admin ? '<td></td>' : ''}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`
  const body = `<p class="muted">${escapeHtml(t.intro)}</p>
${created}
${list}
${admin ? renderCreateForm(m, ctx) : ''}`
  return renderAdminPage(ctx, {
    title: t.title,
    section: 'keys',
    body,
    notice: m.notice ?? null,
    problem: m.problem ?? null,
    scripts: admin ? ['forms.js'] : []
  })
}

function renderKey (k: ApiKeyRecord, ctx: AdminContext, admin: boolean): string {
  const a = adminMessages[ctx.lang]
  const t = a.keys
  const servers = k.servers === null ? t.everyServer : k.servers.join(', ')
  const actions = k.actions === null ? t.everyAction : k.actions.map(x => t.action[x]).join(', ')
  const status = k.revokedAt === null ? escapeHtml(t.active) : fill(escapeHtml(t.revokedAt), { at: timeTag(k.revokedAt, ctx) })
  const revoke = admin && k.revokedAt === null
    ? `<td><form method="post" action="/admin/keys/${encodeURIComponent(k.name)}/revoke" data-confirm="${escapeHtml(fill(t.confirmRevoke, { name: k.name }))}">${csrfField(ctx)}<button type="submit" class="link-button danger" aria-label="${escapeHtml(fill(t.revokeLabel, { name: k.name }))}">${escapeHtml(t.revoke)}</button></form></td>`
    : admin ? '<td></td>' : ''
  return `<tr data-key="${escapeHtml(k.name)}"${k.revokedAt === null ? '' : ' class="revoked"'}><th scope="row">${escapeHtml(k.name)}</th><td><code>${escapeHtml(k.prefix)}</code></td><td>${escapeHtml(servers)}</td><td>${escapeHtml(actions)}</td><td>${timeTag(k.createdAt, ctx)}</td><td>${timeTag(k.lastUsedAt, ctx, a.never)}</td><td>${status}</td>${revoke}</tr>`
}

function renderCreateForm (m: KeysModel, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].keys
  const form = m.form ?? { name: '', servers: '', actions: ['wake', 'shutdown'] }
  const box = (action: ApiKeyAction): string =>
    // one field per action: a field sent twice may reach the handler as one value, whatever parses the form
    `<label class="check"><input type="checkbox" name="action_${action}" value="yes"${form.actions.includes(action) ? ' checked' : ''}> ${escapeHtml(t.action[action])}</label>`
  return `<form method="post" action="/admin/keys" class="stacked" aria-labelledby="new-key-h">
<h2 id="new-key-h">${escapeHtml(t.create)}</h2>
${csrfField(ctx)}
<p><label for="key-name">${escapeHtml(t.name)}</label>
<input id="key-name" name="name" required maxlength="64" pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}" value="${escapeHtml(form.name)}" aria-describedby="key-name-hint" autocomplete="off">
<span class="hint muted" id="key-name-hint">${escapeHtml(t.nameHint)}</span></p>
<p><label for="key-servers">${escapeHtml(t.servers)}</label>
<input id="key-servers" name="servers" maxlength="1000" value="${escapeHtml(form.servers)}" aria-describedby="key-servers-hint" autocomplete="off">
<span class="hint muted" id="key-servers-hint">${escapeHtml(t.serversHint)}</span></p>
<fieldset><legend>${escapeHtml(t.actions)}</legend>${box('wake')} ${box('shutdown')} ${box('projects')}
<span class="hint muted">${escapeHtml(t.actionsHint)}</span></fieldset>
<p><button type="submit" class="button">${escapeHtml(t.submit)}</button></p>
</form>`
}
