// Hall waiting page: polls /api/status/:domain and leaves for `data-to` once the server is ready.
// Plain ES2017, no inline code anywhere, so it runs under a strict CSP (script-src 'self').
(function () {
  'use strict'

  const root = document.getElementById('hall-waiting')
  if (!root) return

  const FIRST_DELAY_MS = 250
  const MAX_DELAY_MS = 2000
  const BACKOFF = 1.5
  const FETCH_TIMEOUT_MS = 5000 // a hung request must not stall the loop
  const PROGRESS_CAP_PCT = 95 // history is an estimate: never look finished before RUNNING

  // Same strings as phaseText in views/waiting.ts.
  const PHASE_TEXT = {
    UNKNOWN: 'Checking the server’s state',
    OFFLINE: 'The server is asleep; a wake has been requested',
    WAKING: 'Waking the server (Wake-on-LAN sent)',
    BOOTING: 'The server is starting (host answers, application not ready yet)',
    RUNNING: 'Ready — taking you there',
    IDLE: 'Ready — taking you there',
    SHUTDOWN: 'The server is shutting down; it will be woken again right after'
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

  const to = root.getAttribute('data-to') || ''
  const statusUrl = root.getAttribute('data-status-url') || ''
  let expectedMs = toNumberOrNull(root.getAttribute('data-expected-boot-ms'))
  let startedAtMs = toNumberOrNull(root.getAttribute('data-started-at-ms'))
  // Elapsed time is measured on the server's clock: the client's may be off by minutes.
  const skewMs = (toNumberOrNull(root.getAttribute('data-now-ms')) || Date.now()) - Date.now()
  let lastState = root.getAttribute('data-state') || 'UNKNOWN'
  let done = false
  let delayMs = FIRST_DELAY_MS
  let ticker = null

  function toNumberOrNull (v) {
    if (v === null || v === '') return null
    const n = Number(v)
    return isFinite(n) ? n : null
  }

  function formatDuration (ms) {
    const total = Math.max(0, Math.floor(ms / 1000))
    const min = Math.floor(total / 60)
    const sec = total % 60
    return min > 0 ? min + ' min ' + sec + ' s' : sec + ' s'
  }

  function formatApprox (ms) {
    const sec = Math.max(1, Math.round(ms / 1000))
    return sec < 120 ? '~' + sec + ' s' : '~' + Math.round(sec / 60) + ' min'
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

  function isReady (state) {
    return state === 'RUNNING' || state === 'IDLE'
  }

  function elapsedMs () {
    return startedAtMs === null ? 0 : Math.max(0, Date.now() + skewMs - startedAtMs)
  }

  function setText (node, text) {
    if (node && node.textContent !== text) node.textContent = text
  }

  function renderTime () {
    const ms = elapsedMs()
    setText(el.elapsed, formatDuration(ms))
    if (el.slow) el.slow.hidden = !(expectedMs !== null && ms > expectedMs)
    if (el.progress) {
      el.progress.hidden = expectedMs === null
      const pct = expectedMs ? Math.min(PROGRESS_CAP_PCT, Math.floor(ms / expectedMs * 100)) : 0
      el.progress.value = pct
      el.progress.textContent = pct + '%'
    }
  }

  function stop () {
    done = true
    if (ticker !== null) clearInterval(ticker)
  }

  function showFailure (error) {
    stop()
    root.setAttribute('data-failed', 'true')
    setText(el.state, 'The server did not wake up')
    // textContent only: messages come from the network and are never parsed as HTML
    setText(el.failureMessage, error && error.message ? String(error.message) : 'The wake did not complete.')
    setText(el.failureCode, error && error.code ? String(error.code) : '')
    if (el.progressBlock) el.progressBlock.hidden = true
    if (el.failure) el.failure.hidden = false
  }

  function goOn () {
    stop()
    setText(el.state, PHASE_TEXT.RUNNING)
    if (el.progress) el.progress.value = 100
    if (el.cont) el.cont.hidden = false
    const target = safeTarget(to)
    // replace(): Back must not return to a page that would bounce forward again
    if (target !== null) window.location.replace(target)
  }

  function apply (s) {
    if (!s || typeof s.state !== 'string') return
    if (typeof s.expected_boot_seconds === 'number' && s.expected_boot_seconds > 0) {
      expectedMs = s.expected_boot_seconds * 1000
      setText(el.expected, 'Usually ready in ' + formatApprox(expectedMs))
    }
    const wake = s.last_wake || null
    if (wake && wake.requested_at) {
      const at = Date.parse(wake.requested_at)
      if (isFinite(at)) startedAtMs = at // a newer wake (e.g. after SHUTDOWN) restarts the clock
    }
    if (isReady(s.state)) return goOn()
    // decided by Hall (status-view.ts currentFailure): an old failure is history, not news
    if (s.failure) return showFailure(s.failure)
    lastState = s.state
    root.setAttribute('data-state', lastState)
    setText(el.state, PHASE_TEXT[lastState] || lastState)
    renderTime()
  }

  function poll () {
    if (done) return
    const ctrl = typeof AbortController === 'function' ? new AbortController() : null
    const timer = ctrl ? setTimeout(function () { ctrl.abort() }, FETCH_TIMEOUT_MS) : null
    fetch(statusUrl, {
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
      if (timer !== null) clearTimeout(timer)
      schedule()
    })
  }

  function schedule () {
    if (done) return
    setTimeout(poll, delayMs)
    delayMs = Math.min(MAX_DELAY_MS, delayMs * BACKOFF)
  }

  if (isReady(lastState)) return goOn()
  if (root.getAttribute('data-failed') === 'true') return
  if (!statusUrl) return
  renderTime()
  ticker = setInterval(renderTime, 1000)
  schedule()
})()
