// Hall waiting page: follows /api/events/:domain (Server-Sent Events), or polls /api/status/:domain
// when that is not possible, and leaves for `data-to` once the server is ready.
// An ES module (ES2017 otherwise), no inline code anywhere, so it runs under a strict CSP
// (script-src 'self'). It shows time and progress with the same code the server rendered the
// first paint with: waiting-display.js.
import { fill, formatApprox, formatDuration, isReady, isSlow, progressPct } from './waiting-display.js'

/**
 * Runs the page. `g` is the browser's global object (window); tests pass a fake one with the
 * same members: document, location, setTimeout, clearTimeout, setInterval, fetch, EventSource,
 * AbortController.
 */
export function runWaitingPage (g) {
  const document = g.document
  const root = document.getElementById('hall-waiting')
  if (!root) return

  const FIRST_DELAY_MS = 250
  const MAX_DELAY_MS = 2000
  const BACKOFF = 1.5
  const FETCH_TIMEOUT_MS = 5000 // a hung request must not stall the loop
  const MAX_STREAM_ERRORS = 3 // EventSource retries by itself; past this many in a row, poll instead

  // Used by a page whose status names a state the server did not send strings for.
  const ACTIVITY_OF_STATE = {
    UNKNOWN: 'checking', OFFLINE: 'asleep', WAKING: 'waking', BOOTING: 'booting', RUNNING: 'ready', IDLE: 'ready', SHUTDOWN: 'shutting-down'
  }

  const el = {
    state: document.getElementById('hall-state'),
    elapsed: document.getElementById('hall-elapsed'),
    slow: document.getElementById('hall-slow'),
    expected: document.getElementById('hall-expected'),
    progress: document.getElementById('hall-progress'),
    progressBlock: document.getElementById('hall-progress-block'),
    failure: document.getElementById('hall-failure'),
    failureMessage: document.getElementById('hall-failure-message'),
    failureCode: document.getElementById('hall-failure-code'),
    cont: document.getElementById('hall-continue')
  }

  const text = readStrings()
  // Only ever the URL the server validated and embedded: nothing from the network picks it.
  const to = root.getAttribute('data-to') || ''
  const statusUrl = root.getAttribute('data-status-url') || ''
  const eventsUrl = root.getAttribute('data-events-url') || ''
  let expectedMs = toNumberOrNull(root.getAttribute('data-expected-boot-ms'))
  let startedAtMs = toNumberOrNull(root.getAttribute('data-started-at-ms'))
  // Elapsed time is measured on the server's clock: the client's may be off by minutes.
  const skewMs = (toNumberOrNull(root.getAttribute('data-now-ms')) || Date.now()) - Date.now()
  let state = root.getAttribute('data-state') || 'UNKNOWN'
  let done = false
  let delayMs = FIRST_DELAY_MS
  let polling = false
  let source = null
  let streamErrors = 0

  // The page's language, from the server's JSON data block (never executed: type application/json).
  function readStrings () {
    const block = document.getElementById('hall-strings')
    try {
      const parsed = block ? JSON.parse(block.textContent || '{}') : {}
      return parsed && typeof parsed === 'object' ? parsed : {}
    } catch (e) {
      return {}
    }
  }

  function toNumberOrNull (v) {
    if (v === null || v === '') return null
    const n = Number(v)
    return isFinite(n) ? n : null
  }

  function activityText (activity, state) {
    const table = text.activity || {}
    return table[activity] || table[ACTIVITY_OF_STATE[state]] || null
  }

  // Defence in depth: the server validated `to`, but never follow anything but http(s).
  function safeTarget (url) {
    try {
      const u = new URL(url)
      return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null
    } catch (e) {
      return null
    }
  }

  function elapsedMs () {
    return startedAtMs === null ? 0 : Math.max(0, Date.now() + skewMs - startedAtMs)
  }

  function setText (node, value) {
    if (node && value !== null && node.textContent !== value) node.textContent = value
  }

  function renderTime () {
    const ms = elapsedMs()
    setText(el.elapsed, formatDuration(ms))
    if (el.slow) el.slow.hidden = !isSlow(ms, expectedMs, state)
    if (el.progress) {
      el.progress.hidden = expectedMs === null
      const pct = progressPct(ms, expectedMs, state)
      el.progress.value = pct
      el.progress.textContent = pct + '%'
    }
  }

  function stop () {
    done = true
    if (source !== null) source.close()
  }

  function showFailure (error) {
    root.setAttribute('data-failed', 'true')
    setText(el.state, text.failed || null)
    // textContent only: messages come from the network and are never parsed as HTML
    setText(el.failureMessage, error && error.message ? String(error.message) : (text.failureDefault || ''))
    setText(el.failureCode, error && error.code ? String(error.code) : '')
    if (el.progressBlock) el.progressBlock.hidden = true
    if (el.failure) el.failure.hidden = false
  }

  function hideFailure () {
    if (root.getAttribute('data-failed') !== 'true') return
    root.setAttribute('data-failed', 'false')
    if (el.failure) el.failure.hidden = true
    if (el.progressBlock) el.progressBlock.hidden = false
  }

  function goOn () {
    stop()
    setText(el.state, activityText('ready', 'RUNNING'))
    if (el.progress) el.progress.value = 100
    if (el.cont) el.cont.hidden = false
    const target = safeTarget(to)
    // replace(): Back must not return to a page that would bounce forward again
    if (target !== null) g.location.replace(target)
  }

  function apply (s) {
    if (done || !s || typeof s.state !== 'string') return
    if (isReady(s.state)) return goOn()
    if (typeof s.expected_boot_seconds === 'number' && s.expected_boot_seconds > 0) {
      expectedMs = s.expected_boot_seconds * 1000
      if (text.usuallyReady) setText(el.expected, fill(text.usuallyReady, { approx: formatApprox(expectedMs) }))
    }
    const wake = s.last_wake || null
    // only the wake under way sets the clock: this morning's finished one would show hours
    if (wake && wake.outcome === 'pending' && wake.requested_at) {
      const at = Date.parse(wake.requested_at)
      if (isFinite(at)) startedAtMs = at // a newer wake (e.g. after SHUTDOWN) restarts the clock
    }
    state = s.state
    root.setAttribute('data-state', state)
    // decided by Hall (status-view.ts currentFailure): an old failure is history, not news.
    // The page keeps following: a server that comes up after all still takes the user on.
    if (s.failure) return showFailure(s.failure)
    hideFailure()
    const activity = typeof s.activity === 'string' ? s.activity : ACTIVITY_OF_STATE[s.state]
    root.setAttribute('data-activity', activity || '')
    setText(el.state, activityText(activity, s.state) || s.state)
    renderTime()
  }

  function follow () {
    source = new g.EventSource(eventsUrl)
    source.addEventListener('status', function (e) {
      streamErrors = 0
      try {
        apply(JSON.parse(e.data))
      } catch (err) {
        // a malformed event is skipped; the next one carries the full status again
      }
    })
    source.onopen = function () { streamErrors = 0 }
    source.onerror = function () {
      if (done) return
      streamErrors++
      // CLOSED: refused outright (404, 503 when Hall has too many streams, a proxy's error page)
      if (source.readyState === g.EventSource.CLOSED || streamErrors >= MAX_STREAM_ERRORS) {
        source.close()
        source = null
        startPolling()
      }
    }
  }

  function startPolling () {
    if (polling || done || !statusUrl) return
    polling = true
    schedule()
  }

  function poll () {
    if (done) return
    const ctrl = typeof g.AbortController === 'function' ? new g.AbortController() : null
    const timer = ctrl ? g.setTimeout(function () { ctrl.abort() }, FETCH_TIMEOUT_MS) : null
    g.fetch(statusUrl, {
      headers: { accept: 'application/json' },
      cache: 'no-store',
      credentials: 'same-origin',
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (res) {
      if (!res.ok) throw new Error('status ' + res.status)
      return res.json()
    }).then(apply).catch(function () {
      // network error, timeout or Hall restarting: keep backing off
    }).then(function () {
      if (timer !== null) g.clearTimeout(timer)
      schedule()
    })
  }

  function schedule () {
    if (done) return
    g.setTimeout(poll, delayMs)
    delayMs = Math.min(MAX_DELAY_MS, delayMs * BACKOFF)
  }

  if (isReady(state)) return goOn()
  renderTime()
  g.setInterval(function () { if (!done) renderTime() }, 1000)
  if (eventsUrl && typeof g.EventSource === 'function') follow()
  else startPolling()
}

// In a browser, run now (a module runs once the document is parsed); imported elsewhere, wait to be called.
if (typeof document !== 'undefined') runWaitingPage(globalThis)
