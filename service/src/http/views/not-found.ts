import { escapeHtml } from './escape.js'
import { renderLayout } from './layout.js'

export function renderNotFoundPage (domain: string): string {
  const d = escapeHtml(domain)
  return renderLayout({
    title: 'Not found — Hall',
    body: `<main class="card">
<h1>Not found</h1>
<p>Hall does not serve <strong class="domain">${d}</strong>.</p>
<p class="muted">Check the address, or ask whoever runs this gateway to add the domain.</p>
<p><a href="/">See the services Hall fronts</a></p>
</main>`
  })
}
