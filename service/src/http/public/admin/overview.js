// Hall admin overview: keeps each server card current from /admin/api/stream (Server-Sent
// Events), or by polling /admin/api/servers with backoff when the stream is refused or keeps
// failing; asks before a wake or shutdown and sends it without leaving the page.
// An ES module with no inline code anywhere, so it runs under the admin's strict CSP. Every text
// goes into textContent: a server name or message never becomes HTML.
import { cardView } from './card-display.js'
import { readJson } from './page-helpers.js'

/**
 * Runs the page. `g` is the browser's global object (window); tests pass a fake one with the
 * same members: document, EventSource, fetch, confirm, setTimeout, setInterval, Date.
 */
export function runOverview (g) {
  const document = g.document
  const root = document.getElementById('hall-cards')
  if (!root) return

  const FIRST_POLL_MS = 1000
  const MAX_POLL_MS = 15000
  const BACKOFF = 1.5
  const MAX_STREAM_ERRORS = 3

  const strings = readJson(document, 'hall-card-strings')
  const cards = new Map()
  // the server's clock: the browser's may be off by minutes, and countdowns must not be
  let skewMs = (Number(root.getAttribute('data-now-ms')) || g.Date.now()) - g.Date.now()
  let streamErrors = 0
  let pollMs = FIRST_POLL_MS
  let polling = false

  function articleOf (server) {
    const all = root.querySelectorAll('[data-server]')
    for (let i = 0; i < all.length; i++) if (all[i].getAttribute('data-server') === server) return all[i]
    return null
  }

  function setText (article, fieldName, text) {
    const el = article.querySelector('[data-field="' + fieldName + '"]')
    if (!el) return
    el.textContent = text || ''
    el.hidden = !text
  }

  function render (card) {
    const article = articleOf(card.server)
    if (!article) return
    const v = cardView(card, strings, g.Date.now() + skewMs)
    article.setAttribute('data-state', card.state)
    const badge = article.querySelector('[data-field="state"]')
    if (badge) {
      badge.textContent = v.state
      badge.className = 'badge badge-' + String(card.state).toLowerCase()
    }
    setText(article, 'since', v.since)
    setText(article, 'countdown', v.countdown)
    setText(article, 'suspended', v.suspended ? strings.card.suspended : '')
    setText(article, 'shutting-down', v.shuttingDown ? strings.card.shuttingDown : '')
    setText(article, 'schedule', v.schedule)
    setText(article, 'last-wake', v.lastWake)
    setText(article, 'refusal', v.refusal)
    const steps = article.querySelector('[data-field="steps"]')
    if (steps) {
      steps.hidden = v.steps === null
      for (const s of v.steps || []) {
        const at = steps.querySelector('[data-step="' + s.step + '"] [data-field="step-at"]')
        if (at) at.textContent = s.at
      }
    }
    const wake = article.querySelector('form[data-action="wake"]')
    if (wake) wake.hidden = !v.wake
    const shutdown = article.querySelector('form[data-action="shutdown"]')
    if (shutdown) shutdown.hidden = !v.shutdown
  }

  function accept (message) {
    if (typeof message.now_ms === 'number') skewMs = message.now_ms - g.Date.now()
    const list = message.cards || (message.card ? [message.card] : [])
    for (const card of list) {
      cards.set(card.server, card)
      render(card)
    }
    if (message.cards) noticeChangedServers(message.cards)
  }

  // a reload of domains.json may add or remove servers: the page says so rather than guess a layout
  function noticeChangedServers (list) {
    const shown = root.querySelectorAll('[data-server]')
    const same = shown.length === list.length && list.every(function (c) { return articleOf(c.server) !== null })
    const status = document.getElementById('hall-live-status')
    if (status && !same) {
      status.textContent = strings.changed || ''
      status.hidden = false
    }
  }

  function showLive (ok) {
    const status = document.getElementById('hall-live-status')
    if (!status || status.textContent === strings.changed) return
    status.textContent = ok ? '' : strings.live || ''
    status.hidden = ok
  }

  function follow () {
    const source = new g.EventSource(root.getAttribute('data-stream-url'))
    const onData = function (e) {
      streamErrors = 0
      showLive(true)
      try { accept(JSON.parse(e.data)) } catch (err) { /* a malformed message changes nothing */ }
    }
    source.addEventListener('cards', onData)
    source.addEventListener('card', onData)
    source.addEventListener('error', function () {
      streamErrors++
      showLive(false)
      // EventSource retries by itself; a refused stream (503) or repeated drops: poll instead
      if (source.readyState === g.EventSource.CLOSED || streamErrors >= MAX_STREAM_ERRORS) {
        source.close()
        startPolling()
      }
    })
  }

  function startPolling () {
    if (polling) return
    polling = true
    poll()
  }

  function poll () {
    g.fetch(root.getAttribute('data-snapshot-url'), { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status)
        return res.json()
      })
      .then(function (message) { accept(message); showLive(true); pollMs = FIRST_POLL_MS })
      .catch(function () { showLive(false); pollMs = Math.min(MAX_POLL_MS, pollMs * BACKOFF) })
      .then(function () { g.setTimeout(poll, pollMs) })
  }

  // Wake and Shut down: confirm(), then the same form as data; a failure falls back to the plain form
  root.addEventListener('submit', function (e) {
    const form = e.target
    if (!form || !form.getAttribute || !form.getAttribute('data-action')) return
    e.preventDefault()
    if (!g.confirm(form.getAttribute('data-confirm'))) return
    const body = new g.URLSearchParams(new g.FormData(form))
    body.set('confirm', 'yes')
    const article = form.closest('[data-server]')
    g.fetch(form.getAttribute('action'), {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'csrf-token': body.get('_csrf') || '' },
      body: body.toString(),
      credentials: 'same-origin'
    }).then(function (res) {
      if (!res.ok) throw new Error('status ' + res.status)
      return res.json()
    }).then(function (answer) {
      if (article) setText(article, 'notice', answer.message)
    }).catch(function () {
      const confirmed = document.createElement('input')
      confirmed.type = 'hidden'
      confirmed.name = 'confirm'
      confirmed.value = 'yes'
      form.appendChild(confirmed)
      form.submit()
    })
  })

  // since, countdowns and wake steps move with time, not only with events
  g.setInterval(function () { cards.forEach(render) }, 1000)
  if (typeof g.EventSource === 'function') follow()
  else startPolling()
}

// In a browser, run now (a module runs once the document is parsed); imported elsewhere, wait to be called.
if (typeof document !== 'undefined') runOverview(globalThis)
