import { assertNever } from '../../../assert-never.js'
import { fill, type Lang } from '../../i18n.js'
import { escapeHtml } from '../../views/escape.js'
import { renderLayout } from '../../views/layout.js'
import { portalMessages, type PortalMessages } from './strings.js'
import { loginFields } from '../../views/login-fields.js'

export type PortalLoginProblem = { kind: 'failed' } | { kind: 'locked', minutes: number } | { kind: 'no-access' }

export interface PortalLoginModel {
  readonly lang: Lang
  readonly csrfToken: string
  /** Where to go after signing in: already checked (return-target.ts), '' for the projects page. */
  readonly to: string
  readonly name: string
  readonly problem: PortalLoginProblem | null
}

export function renderPortalLogin (m: PortalLoginModel): string {
  const t = portalMessages[m.lang]
  const problem = m.problem === null ? '' : `<p class="failure" role="alert">${escapeHtml(problemText(m.problem, t))}</p>\n`
  return renderLayout({
    lang: m.lang,
    title: t.loginTitle,
    body: `<main class="card login">
<p class="eyebrow">Hall</p>
<h1>${escapeHtml(t.loginHeading)}</h1>
<p class="muted">${escapeHtml(t.loginIntro)}</p>
${problem}<form method="post" action="/login">
<input type="hidden" name="_csrf" value="${escapeHtml(m.csrfToken)}">
<input type="hidden" name="to" value="${escapeHtml(m.to)}">
${loginFields(m.name, t)}
</form>
</main>`
  })
}

export interface RefusedModel {
  readonly lang: Lang
  readonly csrfToken: string
  readonly account: string
  readonly project: string
  /** The page the gate refused: signing in again goes back there. */
  readonly to: string
}

/** A signed-in account sent here for a project it may not open: said plainly, with a way out. */
export function renderRefused (m: RefusedModel): string {
  const t = portalMessages[m.lang]
  const said = fill(escapeHtml(t.refused), { account: `<strong>${escapeHtml(m.account)}</strong>`, project: `<strong>${escapeHtml(m.project)}</strong>` })
  return renderLayout({
    lang: m.lang,
    title: t.refusedTitle,
    body: `<main class="card refused" data-project="${escapeHtml(m.project)}">
<p class="eyebrow">Hall</p>
<h1>${escapeHtml(t.refusedHeading)}</h1>
<p class="failure" role="alert" id="portal-refused">${said}</p>
<p class="muted">${escapeHtml(t.refusedHint)}</p>
${logoutForm(m.csrfToken, t.switchAccount, m.to)}
<p><a href="/projects">${escapeHtml(t.seeProjects)}</a></p>
</main>`
  })
}

/** Sign out; with `to`, the login form that follows sends the next account back there. */
export function logoutForm (csrfToken: string, label: string, to = ''): string {
  return `<form method="post" action="/logout" class="logout">
<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<input type="hidden" name="to" value="${escapeHtml(to)}">
<p><button class="button" type="submit">${escapeHtml(label)}</button></p>
</form>`
}

function problemText (p: PortalLoginProblem, t: PortalMessages): string {
  switch (p.kind) {
    case 'failed': return t.failed
    case 'locked': return fill(t.locked, { minutes: String(p.minutes) })
    case 'no-access': return t.noAccess
    default: return assertNever(p)
  }
}
