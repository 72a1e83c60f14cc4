import { escapeHtml } from './escape.js'
import { renderLayout } from './layout.js'
import type { Phase } from '../../lifecycle/states.js'

export interface HomeService {
  domain: string
  state: Phase
  url: string
}

const badgeText: Record<Phase, string> = {
  UNKNOWN: 'Checking',
  OFFLINE: 'Asleep',
  WAKING: 'Waking',
  BOOTING: 'Starting',
  RUNNING: 'Running',
  IDLE: 'Idle',
  SHUTDOWN: 'Shutting down'
}

export function renderHomePage (services: HomeService[]): string {
  const items = services.map(renderService).join('\n')
  const list = services.length === 0
    ? '<p class="muted">Hall does not front any service yet.</p>'
    : `<ul class="services">\n${items}\n</ul>`
  return renderLayout({
    title: 'Hall',
    body: `<main class="card home">
<p class="eyebrow">Hall</p>
<h1>Services</h1>
<p class="muted">Sleeping servers wake up when you open them; the first visit can take a minute.</p>
${list}
</main>`
  })
}

function renderService (s: HomeService): string {
  const domain = escapeHtml(s.domain)
  const name = isHttpUrl(s.url) ? `<a href="${escapeHtml(s.url)}">${domain}</a>` : domain
  return `<li class="service">
<span class="service-name">${name}</span>
<span class="badge badge-${escapeHtml(s.state.toLowerCase())}"><span class="visually-hidden">State: </span>${escapeHtml(badgeText[s.state] ?? s.state)}</span>
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
