import type { Phase } from '../../../lifecycle/states.js'
import type { ProjectStatus } from '../../../projects/types.js'
import { fill, messages, type Lang } from '../../i18n.js'
import { escapeHtml } from '../../views/escape.js'
import { renderLayout } from '../../views/layout.js'
import { logoutForm } from './login.js'
import { portalMessages, type PortalMessages } from './strings.js'

export interface PortalProjectRow {
  readonly name: string
  readonly client: string
  readonly status: ProjectStatus
  /** The state of the server that hosts it. */
  readonly phase: Phase
  /** Where the project is opened: an http(s) URL Hall built from the project's host. */
  readonly address: string
  /** The server is not up: the page offers to wake it. */
  readonly canWake: boolean
}

export interface PortalProjectsModel {
  readonly lang: Lang
  readonly csrfToken: string
  readonly account: string
  /** An admin sees every project; a client only its own. */
  readonly everyProject: boolean
  readonly projects: readonly PortalProjectRow[]
  /** What the last wake did, in words built from checked values only. */
  readonly notice: string | null
}

export function renderPortalProjects (m: PortalProjectsModel): string {
  const t = portalMessages[m.lang]
  const list = m.projects.length === 0
    ? `<p class="muted" id="portal-empty">${escapeHtml(t.empty)}</p>`
    : `<ul class="services projects">\n${m.projects.map(p => renderProject(p, m, t)).join('\n')}\n</ul>`
  const notice = m.notice === null ? '' : `<p class="continue" role="status" id="portal-notice">${escapeHtml(m.notice)}</p>\n`
  return renderLayout({
    lang: m.lang,
    title: t.projectsTitle,
    body: `<main class="card portal">
<p class="eyebrow">Hall</p>
<h1>${escapeHtml(m.everyProject ? t.allProjectsHeading : t.projectsHeading)}</h1>
<p class="muted" id="portal-account">${fill(escapeHtml(t.signedInAs), { account: escapeHtml(m.account) })}</p>
${notice}${list}
${logoutForm(m.csrfToken, t.logout)}
</main>`
  })
}

function renderProject (p: PortalProjectRow, m: PortalProjectsModel, t: PortalMessages): string {
  const badges = messages[m.lang]
  const name = escapeHtml(p.name)
  const wake = p.canWake
    ? `<form method="post" action="/projects/${encodeURIComponent(p.name)}/wake">
<input type="hidden" name="_csrf" value="${escapeHtml(m.csrfToken)}">
<button class="button" type="submit">${fill(escapeHtml(t.wake), { project: name })}</button>
</form>`
    : ''
  return `<li class="service project" id="project-${name}" data-project="${name}">
<div>
<p class="service-name">${name}</p>
<p class="muted">${escapeHtml(t.client)}: <span class="project-client">${escapeHtml(p.client)}</span></p>
<p>${escapeHtml(t.address)}: <a class="project-address" href="${escapeHtml(p.address)}">${escapeHtml(p.address)}</a></p>
</div>
<div>
<p><span class="visually-hidden">${escapeHtml(t.status)}: </span><span class="badge project-status status-${escapeHtml(p.status)}" data-status="${escapeHtml(p.status)}">${escapeHtml(t.projectStatus[p.status])}</span></p>
<p>${escapeHtml(t.server)}: <span class="badge server-state badge-${escapeHtml(p.phase.toLowerCase())}" data-phase="${escapeHtml(p.phase)}">${escapeHtml(badges.badge[p.phase])}</span></p>
${wake}
</div>
</li>`
}
