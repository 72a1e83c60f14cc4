import { fill } from '../../i18n.js'
import type { Role } from '../session-types.js'
import { escapeHtml } from '../../views/escape.js'
import { csrfField, timeTag, type AdminContext } from './context.js'
import { renderAdminPage } from './layout.js'
import { adminMessages } from './strings.js'

export interface AccountRow { readonly name: string, readonly role: Role, readonly createdAt: number, readonly lastLoginAt: number | null }

/** Client projects, when Hall has them: the ones a client account may be given, and each client's. */
export interface AccountProjects {
  readonly names: readonly string[]
  /** By account name in lower case (names compare without case). */
  readonly byAccount: ReadonlyMap<string, readonly string[]>
}

export interface AccountsModel {
  readonly accounts: readonly AccountRow[]
  /** Left out: Hall has no client projects, and no client role is offered. */
  readonly projects?: AccountProjects
  /** What the refused "add" form held (never its password). */
  readonly form?: { readonly name: string, readonly role: Role, readonly projects?: readonly string[] }
  readonly notice?: string | null
  readonly problem?: string | null
}

/** `/admin/accounts`, admins only: who may sign in, and with which role. */
export function renderAccountsPage (m: AccountsModel, ctx: AdminContext): string {
  const a = adminMessages[ctx.lang]
  const t = a.accounts
  const rows = m.accounts.map(acc => renderAccount(acc, ctx, m.projects)).join('\n')
  const form = m.form ?? { name: '', role: 'viewer' }
  // a client account means something only where Hall has client projects
  const roles: readonly Role[] = m.projects === undefined ? ['admin', 'viewer'] : ['admin', 'viewer', 'client']
  const projectsHead = m.projects === undefined ? '' : `<th scope="col">${escapeHtml(t.col.projects)}</th>`
  const body = `<div class="table-wrap"><table>
<thead><tr><th scope="col">${escapeHtml(t.col.name)}</th><th scope="col">${escapeHtml(t.col.role)}</th>${projectsHead}<th scope="col">${escapeHtml(t.col.created)}</th><th scope="col">${escapeHtml(t.col.lastLogin)}</th><td></td></tr></thead>
<tbody>
${rows}
</tbody></table></div>
<form method="post" action="/admin/accounts" class="stacked" aria-labelledby="add-h">
<h2 id="add-h">${escapeHtml(t.add)}</h2>
${csrfField(ctx)}
<p><label for="account-name">${escapeHtml(t.name)}</label>
<input id="account-name" name="name" required maxlength="64" value="${escapeHtml(form.name)}" autocomplete="off"></p>
<p><label for="account-role">${escapeHtml(t.roleLabel)}</label>
<select id="account-role" name="role" aria-describedby="account-role-hint">${roles.map(r => `<option value="${r}"${r === form.role ? ' selected' : ''}>${escapeHtml(a.role[r])}</option>`).join('')}</select>
<span class="hint muted" id="account-role-hint">${escapeHtml(m.projects === undefined ? t.roleHintNoClients : t.roleHint)}</span></p>
${m.projects === undefined ? '' : renderProjectChoice(m.projects.names, form.projects ?? [], ctx)}
<p><label for="account-password">${escapeHtml(t.password)}</label>
<input id="account-password" name="password" type="password" required minlength="12" maxlength="1024" autocomplete="new-password" aria-describedby="account-password-hint">
<span class="hint muted" id="account-password-hint">${escapeHtml(t.passwordHint)}</span></p>
<p><button type="submit" class="button">${escapeHtml(t.submit)}</button></p>
</form>`
  return renderAdminPage(ctx, { title: t.title, section: 'accounts', body, notice: m.notice ?? null, problem: m.problem ?? null, scripts: ['forms.js'] })
}

/** One box per project (a field each: forms never repeat a name), for the client role. */
function renderProjectChoice (names: readonly string[], chosen: readonly string[], ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].accounts
  const boxes = names.length === 0
    ? `<span class="muted">${escapeHtml(adminMessages[ctx.lang].projects.empty)}</span>`
    : names.map(n => `<label class="check"><input type="checkbox" name="project_${escapeHtml(n)}" value="yes"${chosen.includes(n) ? ' checked' : ''}> ${escapeHtml(n)}</label>`).join(' ')
  return `<fieldset aria-describedby="account-projects-hint"><legend>${escapeHtml(t.projects)}</legend>${boxes}
<span class="hint muted" id="account-projects-hint">${escapeHtml(t.projectsHint)}</span></fieldset>`
}

function renderAccount (acc: AccountRow, ctx: AdminContext, projects: AccountProjects | undefined): string {
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
  const held = projects?.byAccount.get(acc.name.toLowerCase()) ?? []
  const projectCell = projects === undefined
    ? ''
    : `<td>${held.length === 0 ? escapeHtml(a.none) : held.map(p => `<a href="/admin/projects/${encodeURIComponent(p)}">${escapeHtml(p)}</a>`).join(', ')}</td>`
  return `<tr data-account="${escapeHtml(acc.name)}"><th scope="row">${escapeHtml(acc.name)}${self ? ` <span class="muted">${escapeHtml(t.you)}</span>` : ''}</th><td>${escapeHtml(a.role[acc.role])}</td>${projectCell}<td>${timeTag(acc.createdAt, ctx)}</td><td>${timeTag(acc.lastLoginAt, ctx, a.never)}</td><td class="row-actions">${password}${remove}</td></tr>`
}
