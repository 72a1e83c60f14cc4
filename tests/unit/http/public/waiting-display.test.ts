import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isServing, phases } from '../../../../service/src/lifecycle/states.js'
import {
  fill, formatApprox, formatDuration, isBooting, isReady, isSlow, progressPct, PROGRESS_CAP_PCT
} from '../../../../service/src/http/public/waiting-display.js'

// The helpers the server renders the waiting page with and the browser keeps it current with:
// one file, so the first paint and every later update agree.

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

test('fill: placeholders replaced once, unknown ones and inherited names left alone', () => {
  assert.equal(fill('Opening {domain} ({domain})', { domain: 'a.test' }), 'Opening a.test (a.test)')
  assert.equal(fill('{a}', { a: '{b}', b: 'no' }), '{b}')
  assert.equal(fill('{constructor} {missing}', {}), '{constructor} {missing}')
})

test('the page is ready exactly when the lifecycle says the server serves', () => {
  for (const phase of phases) assert.equal(isReady(phase), isServing(phase), phase)
  assert.equal(isReady('SOMETHING-NEW'), false, 'a state the page does not know is not ready')
})

test('only WAKING and BOOTING count as a boot', () => {
  assert.deepEqual(phases.filter(isBooting), ['WAKING', 'BOOTING'])
})

const bars = [
  { why: 'a third of the usual boot', elapsedMs: 15_000, expectedMs: 45_000, state: 'BOOTING', pct: 33, slow: false },
  { why: 'capped until ready', elapsedMs: 300_000, expectedMs: 45_000, state: 'WAKING', pct: PROGRESS_CAP_PCT, slow: true },
  { why: 'ready is full', elapsedMs: 1_000, expectedMs: 45_000, state: 'RUNNING', pct: 100, slow: false },
  { why: 'asleep: no boot under way', elapsedMs: 300_000, expectedMs: 45_000, state: 'OFFLINE', pct: 0, slow: false },
  { why: 'shutting down: no boot under way', elapsedMs: 300_000, expectedMs: 45_000, state: 'SHUTDOWN', pct: 0, slow: false },
  { why: 'no history', elapsedMs: 300_000, expectedMs: null, state: 'BOOTING', pct: 0, slow: false }
]
for (const b of bars) {
  test(`progress: ${b.why}`, () => {
    assert.equal(progressPct(b.elapsedMs, b.expectedMs, b.state), b.pct)
    assert.equal(isSlow(b.elapsedMs, b.expectedMs, b.state), b.slow)
  })
}
