import { escapeHtml } from './escape.js'
import { renderLayout } from './layout.js'

import { isServing, type Phase } from '../../lifecycle/states.js'

export interface WaitingPageModel {
  domain: string
  to: string // already validated: an http(s) URL on `domain`
  statusUrl: string
  state: Phase
  sinceMs: number
  nowMs: number
  wakeRequestedAtMs: number | null
  expectedBootMs: number | null
  failure: { code: string, message: string } | null
}

// Progress never reaches the end before the server is actually ready: history is an estimate.
const progressCapPct = 95

/** Text a person reads for each phase; public/waiting.js carries the same strings. */
export function phaseText (state: Phase): string {
  switch (state) {
    case 'UNKNOWN': return 'Checking the server’s state'
    case 'OFFLINE': return 'The server is asleep; a wake has been requested'
    case 'WAKING': return 'Waking the server (Wake-on-LAN sent)'
    case 'BOOTING': return 'The server is starting (host answers, application not ready yet)'
    case 'RUNNING':
    case 'IDLE': return 'Ready — taking you there'
    case 'SHUTDOWN': return 'The server is shutting down; it will be woken again right after'
    default: {
      const never: never = state
      return never
    }
  }
}

/** "12 s", "2 min 5 s": same format as formatDuration in public/waiting.js. */
export function formatDuration (ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const min = Math.floor(total / 60)
  const sec = total % 60
  return min > 0 ? `${min} min ${sec} s` : `${sec} s`
}

/** "~45 s", "~3 min": an estimate, so rounded. */
export function formatApprox (ms: number): string {
  const sec = Math.max(1, Math.round(ms / 1000))
  return sec < 120 ? `~${sec} s` : `~${Math.round(sec / 60)} min`
}

export function renderWaitingPage (m: WaitingPageModel): string {
  const ready = isServing(m.state)
  const failed = m.failure !== null && !ready
  const to = escapeHtml(m.to)
  const domain = escapeHtml(m.domain)
  // Elapsed counts from the wake request; before one is recorded, from the phase change.
  const startedAtMs = m.wakeRequestedAtMs ?? m.sinceMs
  const elapsedMs = Math.max(0, m.nowMs - startedAtMs)
  const pct = progressPct(elapsedMs, m.expectedBootMs, ready)

  const head = [
    // No-JS fallback: reload this page until ready, then go straight on. Inside <noscript>
    // so it does not reload under the polling script (removing a meta refresh does not
    // cancel it). A failed page does not reload: only visiting `to` retries the wake.
    ready ? `<meta http-equiv="refresh" content="0; url=${to}">` : '',
    !ready && !failed ? '<noscript><meta http-equiv="refresh" content="5"></noscript>' : '',
    '<script src="/assets/waiting.js" defer></script>'
  ].filter(Boolean).join('\n')

  const expected = m.expectedBootMs === null
    ? '<p class="muted" id="hall-expected">No boot history yet for this server.</p>'
    : `<label class="muted" for="hall-progress" id="hall-expected">Usually ready in ${formatApprox(m.expectedBootMs)}</label>`

  const body = `<main class="card waiting" id="hall-waiting"
  data-to="${to}"
  data-status-url="${escapeHtml(m.statusUrl)}"
  data-state="${escapeHtml(m.state)}"
  data-failed="${failed ? 'true' : 'false'}"
  data-now-ms="${m.nowMs}"
  data-started-at-ms="${startedAtMs}"
  data-expected-boot-ms="${m.expectedBootMs ?? ''}">
<p class="eyebrow">Hall</p>
<h1><span class="pulse" aria-hidden="true"></span>Opening <span class="domain">${domain}</span></h1>
<p class="state" id="hall-state" role="status" aria-live="polite">${escapeHtml(failed ? 'The server did not wake up' : phaseText(m.state))}</p>
<div class="progress-block"${failed ? ' hidden' : ''} id="hall-progress-block">
${expected}
<progress id="hall-progress" max="100" value="${pct}"${m.expectedBootMs === null ? ' hidden' : ''}>${pct}%</progress>
<p class="elapsed">Waiting for <span id="hall-elapsed">${formatDuration(elapsedMs)}</span><span id="hall-slow"${isSlow(elapsedMs, m.expectedBootMs) ? '' : ' hidden'}> — taking longer than usual</span></p>
</div>
${renderFailure(m, failed, to)}
<p class="continue"${ready ? '' : ' hidden'} id="hall-continue"><a href="${to}">Continue to ${domain}</a></p>
<noscript><p class="muted">This page reloads itself every few seconds.</p></noscript>
</main>`

  return renderLayout({ title: `Waking ${m.domain} — Hall`, head, body })
}

function progressPct (elapsedMs: number, expectedBootMs: number | null, ready: boolean): number {
  if (ready) return 100
  if (expectedBootMs === null || expectedBootMs <= 0) return 0
  return Math.min(progressCapPct, Math.floor((elapsedMs / expectedBootMs) * 100))
}

function isSlow (elapsedMs: number, expectedBootMs: number | null): boolean {
  return expectedBootMs !== null && elapsedMs > expectedBootMs
}

// Always rendered (hidden unless failed) so the script can reveal it without building HTML.
function renderFailure (m: WaitingPageModel, failed: boolean, to: string): string {
  const message = m.failure?.message ?? ''
  const code = m.failure?.code ?? ''
  return `<div class="failure" id="hall-failure" role="alert"${failed ? '' : ' hidden'}>
<p id="hall-failure-message">${escapeHtml(message)}</p>
<p class="muted">Error code: <code id="hall-failure-code">${escapeHtml(code)}</code></p>
<p><a class="button" href="${to}">Try again</a></p>
</div>`
}
