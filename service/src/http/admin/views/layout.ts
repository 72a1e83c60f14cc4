import { fill } from '../../i18n.js'
import { escapeHtml, jsonForScript } from '../../views/escape.js'
import { renderLayout } from '../../views/layout.js'
import { csrfField, type AdminContext } from './context.js'
import { adminMessages } from './strings.js'

export type Section = 'overview' | 'projects' | 'energy' | 'events' | 'keys' | 'accounts'

export interface AdminPage {
  /** Plain text; the site's name is appended. */
  readonly title: string
  readonly section: Section | null
  /** Safe HTML. */
  readonly body: string
  /** Extra stylesheets under /admin/assets/ (the chart library's). */
  readonly styles?: readonly string[]
  /** Module scripts under /admin/assets/. */
  readonly scripts?: readonly string[]
  /** JSON data blocks for the scripts, by element id: data, never code (the CSP runs no inline script). */
  readonly data?: Readonly<Record<string, unknown>>
  /** A message about what the last action did: plain text. */
  readonly notice?: string | null
  /** Why the last form was refused: plain text. */
  readonly problem?: string | null
}

const sections: readonly Section[] = ['overview', 'projects', 'energy', 'events', 'keys', 'accounts']
const paths: Record<Section, string> = { overview: '/admin/', projects: '/admin/projects', energy: '/admin/energy', events: '/admin/events', keys: '/admin/keys', accounts: '/admin/accounts' }

/** Every admin page: Hall's stylesheet and layout, the admin bar, then the page. */
export function renderAdminPage (ctx: AdminContext, page: AdminPage): string {
  const t = adminMessages[ctx.lang]
  // accounts: admins only; projects: only where Hall has them (tests build the admin without)
  const visible = sections.filter(s => (s !== 'accounts' || ctx.account.role === 'admin') && (s !== 'projects' || ctx.projects === true))
  const links = visible.map(s => {
    const current = s === page.section ? ' aria-current="page"' : ''
    return `<li><a href="${paths[s]}"${current}>${escapeHtml(t.nav[s])}</a></li>`
  }).join('')
  const head = [
    `<meta name="csrf-token" content="${escapeHtml(ctx.csrf)}">`,
    '<link rel="stylesheet" href="/admin/assets/admin.css">',
    ...(page.styles ?? []).map(s => `<link rel="stylesheet" href="/admin/assets/${escapeHtml(s)}">`),
    ...Object.entries(page.data ?? {}).map(([id, value]) => `<script type="application/json" id="${escapeHtml(id)}">${jsonForScript(value)}</script>`),
    ...(page.scripts ?? []).map(s => `<script type="module" src="/admin/assets/${escapeHtml(s)}"></script>`)
  ].join('\n')
  const who = fill(escapeHtml(t.signedInAs), { name: `<strong>${escapeHtml(ctx.account.name)}</strong>` })
  const body = `<div class="admin-shell">
<header class="admin-bar">
<p class="admin-brand"><a href="/admin/">Hall</a></p>
<nav aria-label="${escapeHtml(t.nav.label)}"><ul>${links}</ul></nav>
<form class="admin-account" method="post" action="/admin/logout">${csrfField(ctx)}
<span>${who} <span class="muted">(${escapeHtml(t.role[ctx.account.role])})</span></span>
<button type="submit" class="link-button">${escapeHtml(t.logout)}</button>
</form>
</header>
<main class="admin-main" id="main">
<h1>${escapeHtml(page.title)}</h1>
${page.notice == null ? '' : `<p class="notice" role="status">${escapeHtml(page.notice)}</p>`}
${page.problem == null ? '' : `<p class="problem" role="alert">${escapeHtml(t.formProblem)} ${escapeHtml(page.problem)}</p>`}
${page.body}
</main>
<footer class="admin-footer muted">${escapeHtml(fill(t.timesIn, { zone: ctx.timeZone }))}</footer>
</div>`
  return renderLayout({ lang: ctx.lang, title: `${page.title} — ${t.siteTitle}`, head, body })
}
