import { messages, type Lang, type Messages } from '../i18n.js'
import { escapeHtml } from './escape.js'
import { renderLayout } from './layout.js'
import type { Phase } from '../../lifecycle/states.js'

export interface HomeService {
  domain: string
  state: Phase
  url: string
}

export function renderHomePage (services: HomeService[], lang: Lang = 'en'): string {
  const t = messages[lang]
  const items = services.map(s => renderService(s, t)).join('\n')
  const list = services.length === 0
    ? `<p class="muted">${escapeHtml(t.homeEmpty)}</p>`
    : `<ul class="services">\n${items}\n</ul>`
  return renderLayout({
    lang,
    title: t.homeTitle,
    body: `<main class="card home">
<p class="eyebrow">Hall</p>
<h1>${escapeHtml(t.homeHeading)}</h1>
<p class="muted">${escapeHtml(t.homeIntro)}</p>
${list}
</main>`
  })
}

function renderService (s: HomeService, t: Messages): string {
  const domain = escapeHtml(s.domain)
  const name = isHttpUrl(s.url) ? `<a href="${escapeHtml(s.url)}">${domain}</a>` : domain
  return `<li class="service">
<span class="service-name">${name}</span>
<span class="badge badge-${escapeHtml(s.state.toLowerCase())}"><span class="visually-hidden">${escapeHtml(t.stateLabel)}</span>${escapeHtml(t.badge[s.state] ?? s.state)}</span>
</li>`
}

// Defence in depth: a config mistake must not turn into a javascript: link.
function isHttpUrl (url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false
  }
}
