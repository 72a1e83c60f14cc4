import type { Allocation } from '../../../config/types.js'
import type { Phase } from '../../../lifecycle/states.js'
import type { Project } from '../../../projects/types.js'
import { fill, messages, type Lang } from '../../i18n.js'
import { escapeHtml } from '../../views/escape.js'
import { canChange, type AdminContext } from './context.js'
import { renderAdminPage } from './layout.js'
import { emptyProjectForm, renderProjectForm, type ProjectFormValues } from './project-forms.js'
import { adminMessages } from './strings.js'

/** A server that hosts projects: what it offers, what its projects hold, what is left. */
export interface HostingRow {
  readonly server: string
  readonly phase: Phase | null
  readonly capacity: Allocation
  readonly allocated: Allocation
  readonly remaining: Allocation
}

export interface ProjectsModel {
  readonly projects: readonly Project[]
  readonly hosting: readonly HostingRow[]
  /** Each project's server's state, by server name. */
  readonly phases: ReadonlyMap<string, Phase>
  /** What the refused create form held. */
  readonly form?: ProjectFormValues
  readonly notice?: string | null
  readonly problem?: string | null
}

/** `/admin/projects`: every client project, the hosting servers' capacity, and (admins) the create form. */
export function renderProjectsPage (m: ProjectsModel, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  const headers = [t.col.name, t.col.client, t.col.host, t.col.server, t.col.allocation, t.col.access, t.col.status]
  const list = m.projects.length === 0
    ? `<p class="muted">${escapeHtml(t.empty)}</p>`
    : `<div class="table-wrap"><table class="projects">
<thead><tr>${headers.map(h => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${m.projects.map(p => renderRow(p, m.phases.get(p.server) ?? null, ctx)).join('\n')}
</tbody></table></div>`
  const servers = m.hosting.map(h => h.server)
  const form = !canChange(ctx)
    ? ''
    : servers.length === 0
      ? `<p class="muted">${escapeHtml(t.noServer)}</p>`
      : renderProjectForm(m.form ?? { ...emptyProjectForm, server: servers[0]! }, { kind: 'create', servers }, ctx)
  const body = `<p class="muted">${escapeHtml(t.intro)}</p>
${list}
<h2>${escapeHtml(t.capacity)}</h2>
${renderHosting(m.hosting, ctx)}
${form}`
  return renderAdminPage(ctx, { title: t.title, section: 'projects', body, notice: m.notice ?? null, problem: m.problem ?? null })
}

function renderRow (p: Project, phase: Phase | null, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  const page = `/admin/projects/${encodeURIComponent(p.name)}`
  return `<tr data-project="${escapeHtml(p.name)}"><th scope="row"><a href="${escapeHtml(page)}">${escapeHtml(p.name)}</a></th>` +
    `<td>${escapeHtml(p.client)}</td>` +
    `<td><a href="${escapeHtml(`https://${p.host}/`)}">${escapeHtml(p.host)}</a></td>` +
    `<td>${serverCell(p.server, phase, ctx)}</td>` +
    `<td>${escapeHtml(formatAllocationIn(p.allocation, ctx.lang))}</td>` +
    `<td>${escapeHtml(t.access[p.access])}</td>` +
    `<td>${statusCell(p, ctx)}</td></tr>`
}

function renderHosting (rows: readonly HostingRow[], ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  if (rows.length === 0) return `<p class="muted">${escapeHtml(t.noHosting)}</p>`
  const c = t.capacityCol
  const cells = (a: Allocation): string => `<td>${escapeHtml(formatAllocationIn(a, ctx.lang))}</td>`
  return `<div class="table-wrap"><table class="capacity">
<thead><tr>${[c.server, c.capacity, c.allocated, c.remaining].map(h => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.map(r => `<tr data-server="${escapeHtml(r.server)}"><th scope="row">${serverCell(r.server, r.phase, ctx)}</th>${cells(r.capacity)}${cells(r.allocated)}${cells(r.remaining)}</tr>`).join('\n')}
</tbody></table></div>`
}

/** The server's name (a link to its history) and its state. */
export function serverCell (server: string, phase: Phase | null, ctx: AdminContext): string {
  const link = `<a href="/admin/servers/${encodeURIComponent(server)}">${escapeHtml(server)}</a>`
  if (phase === null) return link
  return `${link} <span class="badge badge-${escapeHtml(phase.toLowerCase())}">${escapeHtml(messages[ctx.lang].badge[phase])}</span>`
}

/** The status, and why when it is `error`. */
export function statusCell (p: Project, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  const badge = `<span class="project-status status-${p.status}">${escapeHtml(t.status[p.status])}</span>`
  if (p.status !== 'error' || p.statusReason === null) return badge
  return `${badge}<br><span class="status-reason">${escapeHtml(fill(t.reason, { reason: p.statusReason }))}</span>`
}

const numberFormats = new Map<Lang, Intl.NumberFormat>()

/** `1.5 CPU, 2048 MiB memory, 20 GiB disk` in the page's language (1,5 in French). */
export function formatAllocationIn (a: Allocation, lang: Lang): string {
  let format = numberFormats.get(lang)
  if (format === undefined) {
    format = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 3, useGrouping: false })
    numberFormats.set(lang, format)
  }
  return fill(adminMessages[lang].projects.allocation, { cpu: format.format(a.cpu), memory: format.format(a.memoryMib), disk: format.format(a.diskGib) })
}
