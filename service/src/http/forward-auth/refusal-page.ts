import { negotiateLanguage, type Lang } from '../i18n.js'
import { escapeHtml } from '../views/escape.js'
import type { AccessVerdict } from './project-access.js'

type Refusal = Extract<AccessVerdict, { kind: 'forbidden' }>

const words: Record<Lang, { title: string, member: string, certificate: string, switchAccount: string, portal: string }> = {
  en: {
    title: 'You may not open this project',
    member: 'This project is open to its members only, and the account you are signed in with is not one of them.',
    certificate: 'This project opens only to a TLS client certificate registered for it. Ask its administrator for one, and install it in this browser.',
    switchAccount: 'Sign in as someone else',
    portal: 'Your projects'
  },
  fr: {
    title: 'Vous ne pouvez pas ouvrir ce projet',
    member: 'Ce projet est réservé à ses membres, et le compte avec lequel vous êtes connecté n\'en fait pas partie.',
    certificate: 'Ce projet ne s\'ouvre qu\'avec un certificat client TLS enregistré pour lui. Demandez-en un à son administrateur et installez-le dans ce navigateur.',
    switchAccount: 'Se connecter sous un autre nom',
    portal: 'Vos projets'
  }
}

/**
 * What a person sees when a client project's gate refuses their browser: a page in their
 * language saying why, with the way on, instead of Hall's JSON. It is served on the project's
 * host (the proxy relays Hall's answer), so its links and style point at Hall's own host.
 */
export function refusalPage (refusal: Refusal, acceptLanguage: string | undefined, publicUrl: string, returnUrl: string): { html: string, csp: string } {
  const lang = negotiateLanguage(acceptLanguage)
  const w = words[lang]
  const member = refusal.code === 'HALL_ERR_PROJECT_FORBIDDEN'
  const links = member
    ? `<p><a href="${escapeHtml(`${publicUrl}/login?to=${encodeURIComponent(returnUrl)}`)}">${escapeHtml(w.switchAccount)}</a> · <a href="${escapeHtml(`${publicUrl}/projects`)}">${escapeHtml(w.portal)}</a></p>`
    : ''
  const html = `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${escapeHtml(w.title)}</title>
<link rel="stylesheet" href="${escapeHtml(`${publicUrl}/assets/hall.css`)}">
</head>
<body>
<main>
<h1>${escapeHtml(w.title)}</h1>
<p>${escapeHtml(member ? w.member : w.certificate)}</p>
<p><small>${escapeHtml(refusal.reason)}</small></p>
${links}
</main>
</body>
</html>
`
  // nothing runs on it; only Hall's own stylesheet loads
  const csp = `default-src 'none'; style-src ${new URL(publicUrl).origin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`
  return { html, csp }
}
