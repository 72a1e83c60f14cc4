import { assertNever } from '../../assert-never.js'
import type { Lang } from '../i18n.js'
import { escapeHtml } from '../views/escape.js'
import { renderLayout } from '../views/layout.js'
import { loginFields } from '../views/login-fields.js'

/** The strings of the login form and of the "no account yet" page. */
const strings = {
  en: {
    title: 'Hall · log in',
    heading: 'Log in to Hall',
    name: 'Account',
    password: 'Password',
    submit: 'Log in',
    failed: 'Wrong account name or password.',
    locked: 'Too many failed logins. Try again in {minutes} min.',
    expired: 'The form was out of date: try again.',
    noAccountTitle: 'Hall · no account yet',
    noAccountHeading: 'No account yet',
    noAccountIntro: 'Hall has no default password. Make the first account on the machine Hall runs on:',
    noAccountThen: 'then reload this page.'
  },
  fr: {
    title: 'Hall · connexion',
    heading: 'Se connecter à Hall',
    name: 'Compte',
    password: 'Mot de passe',
    submit: 'Se connecter',
    failed: 'Nom de compte ou mot de passe incorrect.',
    locked: 'Trop d’échecs de connexion. Réessayez dans {minutes} min.',
    expired: 'Le formulaire était périmé : réessayez.',
    noAccountTitle: 'Hall · aucun compte',
    noAccountHeading: 'Aucun compte pour l’instant',
    noAccountIntro: 'Hall n’a pas de mot de passe par défaut. Créez le premier compte sur la machine où Hall tourne :',
    noAccountThen: 'puis rechargez cette page.'
  }
} as const satisfies Record<Lang, Record<string, string>>

export type LoginProblem = { kind: 'failed' } | { kind: 'locked', minutes: number } | { kind: 'expired' }

export interface LoginPageModel {
  readonly lang: Lang
  readonly csrfToken: string
  /** Where to go after logging in: already checked (login-routes.ts safeNext). */
  readonly next: string
  readonly name: string
  readonly problem: LoginProblem | null
}

/** The command that makes the first account: the password is asked for, never written on the line. */
export const FIRST_ACCOUNT_COMMAND = 'hall user add NAME --role admin'

export function renderLoginPage (m: LoginPageModel): string {
  const t = strings[m.lang]
  const problem = m.problem === null
    ? ''
    : `<p class="failure" role="alert">${escapeHtml(problemText(m.problem, t))}</p>`
  return renderLayout({
    lang: m.lang,
    title: t.title,
    body: `<main class="card login">
<p class="eyebrow">Hall</p>
<h1>${escapeHtml(t.heading)}</h1>
${problem}
<form method="post" action="/admin/login">
<input type="hidden" name="_csrf" value="${escapeHtml(m.csrfToken)}">
<input type="hidden" name="next" value="${escapeHtml(m.next)}">
${loginFields(m.name, t)}
</form>
</main>`
  })
}

export function renderNoAccountPage (lang: Lang): string {
  const t = strings[lang]
  return renderLayout({
    lang,
    title: t.noAccountTitle,
    body: `<main class="card login">
<p class="eyebrow">Hall</p>
<h1>${escapeHtml(t.noAccountHeading)}</h1>
<p>${escapeHtml(t.noAccountIntro)}</p>
<p><code>${escapeHtml(FIRST_ACCOUNT_COMMAND)}</code></p>
<p class="muted">${escapeHtml(t.noAccountThen)}</p>
</main>`
  })
}

function problemText (p: LoginProblem, t: typeof strings[Lang]): string {
  switch (p.kind) {
    case 'failed': return t.failed
    case 'locked': return t.locked.replace('{minutes}', String(p.minutes))
    case 'expired': return t.expired
    default: return assertNever(p)
  }
}
