import { fill, messages, type Lang } from '../i18n.js'
import { escapeHtml } from './escape.js'
import { renderLayout } from './layout.js'

export function renderNotFoundPage (domain: string, lang: Lang = 'en'): string {
  const t = messages[lang]
  const d = `<strong class="domain">${escapeHtml(domain)}</strong>`
  return renderLayout({
    lang,
    title: t.notFoundTitle,
    body: `<main class="card">
<h1>${escapeHtml(t.notFoundHeading)}</h1>
<p>${fill(escapeHtml(t.notFoundText), { domain: d })}</p>
<p class="muted">${escapeHtml(t.notFoundHint)}</p>
<p><a href="/">${escapeHtml(t.notFoundLink)}</a></p>
</main>`
  })
}
