import type { Phase } from '../../../lifecycle/states.js'
import type { Project, ProjectCertificate } from '../../../projects/types.js'
import type { ProjectMember, ProjectOperation } from '../../../store/index.js'
import { fill } from '../../i18n.js'
import { escapeHtml } from '../../views/escape.js'
import { canChange, csrfField, timeTag, type AdminContext } from './context.js'
import { renderAdminPage } from './layout.js'
import { projectFormValues, renderProjectForm, type ProjectFormValues } from './project-forms.js'
import { renderCertificates, renderMembers, renderOperations } from './project-sections.js'
import { formatAllocationIn, serverCell, statusCell } from './projects.js'
import { adminMessages } from './strings.js'

export interface ProjectPageModel {
  readonly project: Project
  readonly serverPhase: Phase | null
  readonly members: readonly ProjectMember[]
  /** Client accounts that do not have the project yet: the add form's choice. */
  readonly candidates: readonly string[]
  readonly certificates: readonly ProjectCertificate[]
  /** Newest first. */
  readonly operations: readonly ProjectOperation[]
  /** What the refused edit form held. */
  readonly form?: ProjectFormValues
  /** What the refused certificate form held (never a private key). */
  readonly pem?: string
  readonly notice?: string | null
  readonly problem?: string | null
}

/** `/admin/projects/:name`: the project, its clients, certificates and pod operations; admins also get the forms. */
export function renderProjectPage (m: ProjectPageModel, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  const p = m.project
  const admin = canChange(ctx)
  const body = `<p><a href="/admin/projects">${escapeHtml(t.back)}</a></p>
${renderFacts(m, ctx)}
${renderMembers(m, ctx)}
${renderCertificates(m, ctx)}
${renderOperations(m.operations, ctx)}
${admin && p.status !== 'removing' ? renderProjectForm(m.form ?? projectFormValues(p), { kind: 'edit', project: p.name }, ctx) : ''}
${admin && p.status !== 'removing' ? renderRemove(p, ctx) : ''}`
  return renderAdminPage(ctx, {
    title: fill(t.page, { name: p.name }),
    section: 'projects',
    body,
    notice: m.notice ?? null,
    problem: m.problem ?? null,
    scripts: admin ? ['forms.js', 'pem-file.js'] : []
  })
}

function renderFacts (m: ProjectPageModel, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  const f = t.facts
  const p = m.project
  const byAt = (at: number, name: string): string => fill(escapeHtml(t.byAt), { at: timeTag(at, ctx), name: escapeHtml(name) })
  const fact = (label: string, html: string): string => `<div><dt>${escapeHtml(label)}</dt><dd>${html}</dd></div>`
  const note = p.status === 'provisioning' ? t.provisioningNote : p.status === 'removing' ? t.removingNote : null
  return `<dl class="facts project-facts" data-status="${p.status}">
${fact(f.status, statusCell(p, ctx))}
${fact(f.client, escapeHtml(p.client))}
${fact(f.host, `<a href="${escapeHtml(`https://${p.host}/`)}">${escapeHtml(p.host)}</a>`)}
${fact(f.server, serverCell(p.server, m.serverPhase, ctx))}
${fact(f.allocation, escapeHtml(formatAllocationIn(p.allocation, ctx.lang)))}
${fact(f.access, escapeHtml(t.access[p.access]))}
${fact(f.image, `<code>${escapeHtml(p.image)}</code>`)}
${fact(f.ports, escapeHtml(fill(t.portsValue, { port: String(p.port), container: String(p.containerPort) })))}
${fact(f.created, byAt(p.createdAt, p.createdBy))}
${fact(f.updated, byAt(p.updatedAt, p.updatedBy))}
</dl>
${note === null ? '' : `<p class="notice" role="status">${escapeHtml(note)}</p>`}`
}

function renderRemove (p: Project, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].projects
  const name = { name: p.name }
  return `<form method="post" action="/admin/projects/${encodeURIComponent(p.name)}/remove" class="stacked" aria-labelledby="remove-h" data-confirm="${escapeHtml(fill(t.confirmRemove, name))}">
<h2 id="remove-h">${escapeHtml(t.remove)}</h2>
${csrfField(ctx)}
<p><label class="check"><input type="checkbox" name="force" value="yes"> ${escapeHtml(t.force)}</label></p>
<p><button type="submit" class="button danger-button" aria-label="${escapeHtml(fill(t.removeLabel, name))}">${escapeHtml(t.remove)}</button></p>
</form>`
}
