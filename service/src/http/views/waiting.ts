import { fill, messages, type Lang, type Messages } from '../i18n.js'
import type { Activity } from '../status-view.js'
import { escapeHtml, jsonForScript } from './escape.js'
import { renderLayout } from './layout.js'
import type { Phase } from '../../lifecycle/states.js'
import { formatApprox, formatDuration, isReady, isSlow, progressPct } from '../public/waiting-display.js'

export interface WaitingPageModel {
  lang: Lang
  domain: string
  to: string // already validated: an http(s) URL on `domain`
  statusUrl: string
  eventsUrl: string
  state: Phase
  /** What the server is doing now (status-view.ts currentActivity). */
  activity: Activity
  sinceMs: number
  nowMs: number
  wakeRequestedAtMs: number | null
  expectedBootMs: number | null
  failure: { code: string, message: string } | null
}

/** The strings public/waiting.js shows, in the page's language: read from a JSON data block. */
function scriptStrings (t: Messages): Record<string, unknown> {
  return { activity: t.activity, failed: t.failed, failureDefault: t.failureDefault, usuallyReady: t.usuallyReady }
}

export function renderWaitingPage (m: WaitingPageModel): string {
  const t = messages[m.lang]
  const ready = isReady(m.state)
  const failed = m.failure !== null && !ready
  const to = escapeHtml(m.to)
  const domain = escapeHtml(m.domain)
  // Elapsed counts from the wake request; before one is recorded, from the phase change.
  const startedAtMs = m.wakeRequestedAtMs ?? m.sinceMs
  const elapsedMs = Math.max(0, m.nowMs - startedAtMs)
  const pct = progressPct(elapsedMs, m.expectedBootMs, m.state)
  const domainSpan = `<span class="domain">${domain}</span>`

  const head = [
    // No-JS fallback: reload this page until ready, then go straight on. Inside <noscript>
    // so it does not reload under the script (removing a meta refresh does not cancel it).
    // A failed page does not reload: only visiting `to` retries the wake.
    ready ? `<meta http-equiv="refresh" content="0; url=${to}">` : '',
    // through /api/redirect, which sends the browser straight on once the server serves
    !ready && !failed ? `<noscript><meta http-equiv="refresh" content="5; url=${escapeHtml(redirectUrl(m.domain, m.to))}"></noscript>` : '',
    // data, not code: the strict CSP (script-src 'self') never runs it
    `<script type="application/json" id="hall-strings">${jsonForScript(scriptStrings(t))}</script>`,
    // a module: it imports waiting-display.js, the helpers this file renders with (modules are deferred)
    '<script type="module" src="/assets/waiting.js"></script>'
  ].filter(Boolean).join('\n')

  const expected = m.expectedBootMs === null
    ? `<p class="muted" id="hall-expected">${escapeHtml(t.noHistory)}</p>`
    : `<label class="muted" for="hall-progress" id="hall-expected">${escapeHtml(fill(t.usuallyReady, { approx: formatApprox(m.expectedBootMs) }))}</label>`
  const waitingFor = fill(escapeHtml(t.waitingFor), { elapsed: `<span id="hall-elapsed">${formatDuration(elapsedMs)}</span>` })

  const body = `<main class="card waiting" id="hall-waiting"
  data-to="${to}"
  data-status-url="${escapeHtml(m.statusUrl)}"
  data-events-url="${escapeHtml(m.eventsUrl)}"
  data-state="${escapeHtml(m.state)}"
  data-activity="${escapeHtml(m.activity)}"
  data-failed="${failed ? 'true' : 'false'}"
  data-now-ms="${m.nowMs}"
  data-started-at-ms="${startedAtMs}"
  data-expected-boot-ms="${m.expectedBootMs ?? ''}">
<p class="eyebrow">Hall</p>
<h1><span class="pulse" aria-hidden="true"></span>${fill(escapeHtml(t.heading), { domain: domainSpan })}</h1>
<p class="state" id="hall-state" role="status" aria-live="polite">${escapeHtml(failed ? t.failed : t.activity[ready ? 'ready' : m.activity])}</p>
<div class="progress-block"${failed ? ' hidden' : ''} id="hall-progress-block">
${expected}
<progress id="hall-progress" max="100" value="${pct}"${m.expectedBootMs === null ? ' hidden' : ''}>${pct}%</progress>
<p class="elapsed">${waitingFor}<span id="hall-slow"${isSlow(elapsedMs, m.expectedBootMs, m.state) ? '' : ' hidden'}>${escapeHtml(t.slower)}</span></p>
</div>
${renderFailure(m, t, failed, to)}
<p class="continue"${ready ? '' : ' hidden'} id="hall-continue"><a href="${to}">${fill(escapeHtml(t.continueTo), { domain })}</a></p>
<noscript><p class="muted">${escapeHtml(t.noscript)}</p></noscript>
</main>`

  return renderLayout({ title: fill(t.title, { domain: m.domain }), head, body, lang: m.lang })
}

// Always rendered (hidden unless failed) so the script can reveal it without building HTML.
// The retry is a link to `to`: it goes back through the proxy and forward-auth, which asks
// for a new wake; no form, no POST, and nothing but the validated `to` as its target.
function renderFailure (m: WaitingPageModel, t: Messages, failed: boolean, to: string): string {
  const message = m.failure?.message ?? ''
  const code = m.failure?.code ?? ''
  return `<div class="failure" id="hall-failure" role="alert"${failed ? '' : ' hidden'}>
<p id="hall-failure-message">${escapeHtml(message)}</p>
<p class="muted">${escapeHtml(t.errorCode)} <code id="hall-failure-code">${escapeHtml(code)}</code></p>
<p><a class="button" id="hall-retry" href="${to}">${escapeHtml(t.retry)}</a></p>
</div>`
}

/** The no-JavaScript refresh: `GET /api/redirect/:domain?to=` (routes/redirect.ts). */
function redirectUrl (domain: string, to: string): string {
  return `/api/redirect/${encodeURIComponent(domain)}?to=${encodeURIComponent(to)}`
}
