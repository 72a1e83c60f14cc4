// Hall admin event log: follows new events while the newest page is open, polling
// /admin/api/log with backoff (quicker while events arrive, slower while none do). New rows go
// on top, built with textContent only. An ES module, no inline code, for the strict CSP.
import { readJson } from './page-helpers.js'

/** Runs the page. `g` is the browser's global object (window); tests pass a fake one. */
export function runEventsTail (g) {
  const document = g.document
  const table = document.getElementById('hall-events')
  const toggle = document.getElementById('hall-tail-toggle')
  const status = document.getElementById('hall-tail-status')
  if (!table || !toggle) return

  const FIRST_MS = 2000
  const MAX_MS = 30000
  const BACKOFF = 1.5
  const MAX_ROWS = 500 // a tab left open all week stays light

  const strings = readJson(document, 'hall-events-strings')
  const tbody = table.querySelector('tbody')
  let newestId = Number(table.getAttribute('data-newest-id')) || 0
  let following = false
  let timer = null
  let delayMs = FIRST_MS

  function cell (text, tag) {
    const el = document.createElement(tag || 'td')
    el.textContent = text
    return el
  }

  function rowOf (e) {
    const tr = document.createElement('tr')
    tr.setAttribute('data-event-id', String(e.id))
    tr.className = 'level-' + e.level
    const time = document.createElement('time')
    time.setAttribute('datetime', e.at)
    time.textContent = e.at_text
    const at = document.createElement('td')
    at.appendChild(time)
    const kind = document.createElement('td')
    kind.appendChild(cell(e.kind, 'code'))
    const message = cell(e.message)
    if (e.details !== null) {
      const details = document.createElement('details')
      details.appendChild(cell(strings.details || 'Details', 'summary'))
      details.appendChild(cell(e.details, 'pre'))
      message.appendChild(details)
    }
    tr.appendChild(at)
    tr.appendChild(cell(e.level_text))
    tr.appendChild(cell(e.server))
    tr.appendChild(kind)
    tr.appendChild(message)
    tr.appendChild(cell(e.by))
    return tr
  }

  function add (events) {
    for (const e of events) {
      tbody.insertBefore(rowOf(e), tbody.firstChild)
      newestId = Math.max(newestId, e.id)
    }
    while (tbody.children.length > MAX_ROWS) tbody.removeChild(tbody.lastChild)
    const empty = document.getElementById('hall-events-empty')
    if (empty && events.length > 0) empty.hidden = true
  }

  function poll () {
    timer = null
    const url = table.getAttribute('data-tail-url') + '&after=' + newestId
    g.fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status)
        return res.json()
      })
      .then(function (answer) {
        const events = answer.events || []
        if (following) add(events)
        delayMs = events.length > 0 ? FIRST_MS : Math.min(MAX_MS, delayMs * BACKOFF)
      })
      .catch(function () { delayMs = Math.min(MAX_MS, delayMs * BACKOFF) })
      .then(function () { if (following) timer = g.setTimeout(poll, delayMs) })
  }

  function set (on) {
    following = on
    toggle.setAttribute('aria-pressed', on ? 'true' : 'false')
    toggle.textContent = on ? strings.pause : strings.follow
    if (status) status.textContent = on ? strings.following : strings.paused
    if (timer !== null) { g.clearTimeout(timer); timer = null }
    if (on) { delayMs = FIRST_MS; timer = g.setTimeout(poll, delayMs) }
  }

  toggle.hidden = false
  toggle.addEventListener('click', function () { set(!following) })
  set(true)
}

if (typeof document !== 'undefined') runEventsTail(globalThis)
