import { fill } from '../../i18n.js'
import type { Role } from '../session-types.js'
import { escapeHtml } from '../../views/escape.js'
import { csrfField, timeTag, type AdminContext } from './context.js'
import { renderAdminPage } from './layout.js'
import { adminMessages } from './strings.js'

export interface AccountRow { readonly name: string, readonly role: Role, readonly createdAt: number, readonly lastLoginAt: number | null }

export interface AccountsModel {
  readonly accounts: readonly AccountRow[]
  /** What the refused "add" form held (never its password). */
  readonly form?: { readonly name: string, readonly role: Role }
  readonly notice?: string | null
  readonly problem?: string | null
}

const roles: readonly Role[] = ['admin', 'viewer']

/** `/admin/accounts`, admins only: who may sign in, and with which role. */
export function renderAccountsPage (m: AccountsModel, ctx: AdminContext): string {
  const a = adminMessages[ctx.lang]
  const t = a.accounts
  const rows = m.accounts.map(acc => renderAccount(acc, ctx)).join('\n')
  const form = m.form ?? { name: '', role: 'viewer' }
  const body = `<div class="table-wrap"><table>
<thead><tr><th scope="col">${escapeHtml(t.col.name)}</th><th scope="col">${escapeHtml(t.col.role)}</th><th scope="col">${escapeHtml(t.col.created)}</th><th scope="col">${escapeHtml(t.col.lastLogin)}</th><td></td></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<form method="post" action="/admin/accounts" class="stacked" aria-labelledby="add-h">
<h2 id="add-h">${escapeHtml(t.add)}</h2>
${csrfField(ctx)}
<p><label for="account-name">${escapeHtml(t.name)}</label>
<input id="account-name" name="name" required maxlength="64" value="${escapeHtml(form.name)}" autocomplete="off"></p>
<p><label for="account-role">${escapeHtml(t.roleLabel)}</label>
<select id="account-role" name="role">${roles.map(r => `<option value="${r}"${r === form.role ? ' selected' : ''}>${escapeHtml(a.role[r])}</option>`).join('')}</select></p>
<p><label for="account-password">${escapeHtml(t.password)}</label>
<input id="account-password" name="password" type="password" required minlength="12" maxlength="1024" autocomplete="new-password" aria-describedby="account-password-hint">
<span class="hint muted" id="account-password-hint">${escapeHtml(t.passwordHint)}</span></p>
<p><button type="submit" class="button">${escapeHtml(t.submit)}</button></p>
</form>`
  return renderAdminPage(ctx, { title: t.title, section: 'accounts', body, notice: m.notice ?? null, problem: m.problem ?? null, scripts: ['forms.js'] })
}

function renderAccount (acc: AccountRow, ctx: AdminContext): string {
  const a = adminMessages[ctx.lang]
  const t = a.accounts
  const path = `/admin/accounts/${encodeURIComponent(acc.name)}`
  const self = acc.name === ctx.account.name
  const name = { name: acc.name }
  const passwordId = `password-${encodeURIComponent(acc.name).replace(/%/g, '_')}`
  const remove = self
    ? ''
    : `<form method="post" action="${escapeHtml(path)}/remove" data-confirm="${escapeHtml(fill(t.confirmRemove, name))}">${csrfField(ctx)}<button type="submit" class="link-button danger" aria-label="${escapeHtml(fill(t.removeLabel, name))}">${escapeHtml(t.remove)}</button></form>`
  const password = `<form method="post" action="${escapeHtml(path)}/password" class="inline" data-confirm="${escapeHtml(fill(t.confirmPassword, name))}">${csrfField(ctx)}
<label for="${escapeHtml(passwordId)}" class="visually-hidden">${escapeHtml(fill(t.newPassword, name))}</label>
<input id="${escapeHtml(passwordId)}" name="password" type="password" required minlength="12" maxlength="1024" autocomplete="new-password" placeholder="${escapeHtml(t.password)}">
<button type="submit" class="link-button" aria-label="${escapeHtml(fill(t.setPasswordLabel, name))}">${escapeHtml(t.setPassword)}</button></form>`
  return `<tr data-account="${escapeHtml(acc.name)}"><th scope="row">${escapeHtml(acc.name)}${self ? ` <span class="muted">${escapeHtml(t.you)}</span>` : ''}</th><td>${escapeHtml(a.role[acc.role])}</td><td>${timeTag(acc.createdAt, ctx)}</td><td>${timeTag(acc.lastLoginAt, ctx, a.never)}</td><td class="row-actions">${password}${remove}</td></tr>`
}
