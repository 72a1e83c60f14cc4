import { test } from 'node:test'
import assert from 'node:assert/strict'
import { renderWaitingPage, formatDuration, formatApprox, type WaitingPageModel } from '../../../../service/src/http/views/waiting.js'

const base: WaitingPageModel = {
  domain: 'app.example.test',
  to: 'https://app.example.test/a?b=1&c=2',
  statusUrl: '/api/status/app.example.test',
  state: 'WAKING',
  sinceMs: 1_000_000,
  nowMs: 1_012_000,
  wakeRequestedAtMs: 1_000_000,
  expectedBootMs: 45_000,
  failure: null
}

const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2) \'x'

// Reads a quoted attribute off the page and undoes the escaping a browser would undo.
function attr (html: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(html)
  return m?.[1]
    ?.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')
}

function scriptTags (html: string): number {
  return html.match(/<script/gi)?.length ?? 0
}

test('waking page: no-JS refresh every 5 s, state text, data attributes', () => {
  const html = renderWaitingPage(base)
  assert.match(html, /<noscript><meta http-equiv="refresh" content="5"><\/noscript>/)
  assert.doesNotMatch(html, /content="0; url=/)
  assert.match(html, /<html lang="en">/)
  assert.match(html, /role="status" aria-live="polite">Waking the server \(Wake-on-LAN sent\)</)
  assert.equal(attr(html, 'data-to'), base.to)
  assert.equal(attr(html, 'data-status-url'), base.statusUrl)
  assert.equal(attr(html, 'data-expected-boot-ms'), '45000')
  assert.equal(attr(html, 'data-started-at-ms'), '1000000')
  assert.equal(attr(html, 'data-now-ms'), '1012000')
  assert.match(html, /Usually ready in ~45 s/)
  assert.match(html, /<span id="hall-elapsed">12 s<\/span>/)
  assert.match(html, /<progress id="hall-progress" max="100" value="26">/)
  assert.match(html, /<script src="\/assets\/waiting.js" defer><\/script>/)
  assert.equal(scriptTags(html), 1, 'no inline script')
  assert.doesNotMatch(html, /\sstyle=/, 'no inline style: CSP-friendly')
})

test('progress is capped at 95% until the server is ready', () => {
  const html = renderWaitingPage({ ...base, nowMs: base.sinceMs + 300_000 })
  assert.match(html, /value="95"/)
  assert.match(html, /<span id="hall-slow">/, 'says it is taking longer than usual')
})

test('no history: progress bar hidden, says so', () => {
  const html = renderWaitingPage({ ...base, expectedBootMs: null })
  assert.match(html, /No boot history yet/)
  assert.match(html, /<progress id="hall-progress" max="100" value="0" hidden>/)
  assert.equal(attr(html, 'data-expected-boot-ms'), '')
})

for (const state of ['RUNNING', 'IDLE'] as const) {
  test(`${state}: refresh straight to \`to\` and a link`, () => {
    const html = renderWaitingPage({ ...base, state })
    assert.match(html, /<meta http-equiv="refresh" content="0; url=https:\/\/app.example.test\/a\?b=1&amp;c=2">/)
    assert.doesNotMatch(html, /content="5"/)
    assert.match(html, /<p class="continue" id="hall-continue"><a href="https:\/\/app.example.test\/a\?b=1&amp;c=2">/)
    assert.match(html, /Ready — taking you there/)
  })
}

test('failure: reason, code and a retry link to `to`; no reload loop', () => {
  const html = renderWaitingPage({
    ...base,
    state: 'OFFLINE',
    failure: { code: 'HALL_ERR_WAKE_TIMEOUT', message: 'no answer after 120 s' }
  })
  assert.match(html, /The server did not wake up/)
  assert.match(html, /<div class="failure" id="hall-failure" role="alert">/)
  assert.match(html, /no answer after 120 s/)
  assert.match(html, /HALL_ERR_WAKE_TIMEOUT/)
  assert.match(html, /<a class="button" href="https:\/\/app.example.test\/a\?b=1&amp;c=2">Try again<\/a>/)
  assert.doesNotMatch(html, /http-equiv="refresh"/)
  assert.equal(attr(html, 'data-failed'), 'true')
})

test('hostile domain, to, status url and failure are escaped in every context', () => {
  const html = renderWaitingPage({
    ...base,
    domain: hostile,
    to: `https://app.example.test/${hostile}`,
    statusUrl: `/api/status/${hostile}`,
    state: 'OFFLINE',
    failure: { code: hostile, message: hostile }
  })
  assert.equal(scriptTags(html), 1, 'only our own script tag')
  assert.doesNotMatch(html, /<img/)
  assert.doesNotMatch(html, /"><script/)
  assert.doesNotMatch(html, /'x/)
  assert.ok(html.includes('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'))
  // the values still round-trip through the attributes the script reads
  assert.equal(attr(html, 'data-to'), `https://app.example.test/${hostile}`)
  assert.equal(attr(html, 'data-status-url'), `/api/status/${hostile}`)
})

test('hostile `to` cannot break out of the ready-state meta refresh', () => {
  const html = renderWaitingPage({ ...base, state: 'RUNNING', to: `https://app.example.test/${hostile}` })
  assert.equal(scriptTags(html), 1)
  assert.doesNotMatch(html, /<img/)
  assert.match(html, /content="0; url=https:\/\/app.example.test\/&quot;&gt;&lt;script&gt;/)
})

test('elapsed counts from the phase change before a wake is recorded', () => {
  const html = renderWaitingPage({ ...base, state: 'UNKNOWN', wakeRequestedAtMs: null, sinceMs: base.nowMs - 3_000 })
  assert.match(html, /<span id="hall-elapsed">3 s<\/span>/)
  assert.match(html, /Checking the server/)
})

const durations = [
  { ms: -5, text: '0 s' },
  { ms: 999, text: '0 s' },
  { ms: 59_999, text: '59 s' },
  { ms: 125_000, text: '2 min 5 s' }
]
for (const d of durations) {
  test(`formatDuration(${d.ms}) = ${d.text}`, () => assert.equal(formatDuration(d.ms), d.text))
}

const approx = [
  { ms: 45_400, text: '~45 s' },
  { ms: 200, text: '~1 s' },
  { ms: 150_000, text: '~3 min' }
]
for (const a of approx) {
  test(`formatApprox(${a.ms}) = ${a.text}`, () => assert.equal(formatApprox(a.ms), a.text))
}
