import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderServerPage, type ServerHistoryModel } from '../../../../../service/src/http/admin/views/server.js'
import { bootStats } from '../../../../../service/src/store/history.js'
import type { WakeRecord } from '../../../../../service/src/store/index.js'
import { assertCspSafe, ctx, HOSTILE, NOW, viewer } from './fixtures.js'

const HOUR = 3600_000
const DAY = 24 * HOUR

function wake (over: Partial<WakeRecord & { requestedBy: string | null }> = {}): WakeRecord & { requestedBy: string | null } {
  return {
    id: 7,
    server: 'lab',
    trigger: 'api',
    method: 'udp',
    requestedAt: NOW - HOUR,
    sendStartedAt: NOW - HOUR,
    sentAt: NOW - HOUR + 1000,
    packetsSent: 3,
    exitCode: null,
    stderr: null,
    aliveAt: NOW - HOUR + 20_000,
    runningAt: NOW - HOUR + 42_000,
    finishedAt: NOW - HOUR + 42_000,
    outcome: 'running',
    errorCode: null,
    errorMessage: null,
    requestedBy: 'alice',
    ...over
  }
}

function model (over: Partial<ServerHistoryModel> = {}): ServerHistoryModel {
  return {
    server: 'lab',
    state: 'RUNNING',
    nowMs: NOW,
    day: [{ phase: 'OFFLINE', from: NOW - DAY, to: NOW - HOUR }, { phase: 'WAKING', from: NOW - HOUR, to: NOW - HOUR + 20_000 }, { phase: 'RUNNING', from: NOW - HOUR + 20_000, to: NOW }],
    week: [{ phase: 'OFFLINE', from: NOW - 7 * DAY, to: NOW - HOUR }, { phase: 'RUNNING', from: NOW - HOUR, to: NOW }],
    wakesPerDay: [{ day: '2026-11-25', counts: { pending: 0, running: 0, failed: 1, timeout: 0, cancelled: 0 } }, { day: '2026-11-26', counts: { pending: 0, running: 2, failed: 0, timeout: 1, cancelled: 0 } }],
    boots: bootStats([40_000, 42_000, 61_000]),
    wakes: [wake(), wake({ id: 6, trigger: 'request', requestedBy: null, outcome: 'timeout', runningAt: null, aliveAt: null, errorCode: 'HALL_ERR_WAKE_TIMEOUT', errorMessage: 'it took too long' })],
    shutdowns: [],
    ...over
  }
}

test('the server page: the charts\' places and data, and tables with the same figures', () => {
  const html = renderServerPage(model(), ctx())
  assertCspSafe(html, assert)
  assert.match(html, /<title>lab: history — Hall admin<\/title>/)
  assert.match(html, /<link rel="stylesheet" href="\/admin\/assets\/uPlot.min.css">/)
  assert.match(html, /<script type="module" src="\/admin\/assets\/server-charts.js"><\/script>/)
  assert.match(html, /<div class="chart" id="chart-day" role="img" aria-label="State of lab over time"><\/div>/)
  const data = JSON.parse(/<script type="application\/json" id="hall-history">(.*?)<\/script>/.exec(html)![1]!)
  assert.deepEqual(data.day[2], [(NOW - HOUR + 20_000) / 1000, NOW / 1000, 4], 'RUNNING is phase 4, times in seconds')
  assert.deepEqual(data.wakes, [[0, 2], [1, 0], [0, 1], [0, 0]], 'per outcome, per day')
  assert.equal(data.medianSeconds, 42)
  assert.deepEqual([data.lang, data.timeZone], ['en-GB', 'Europe/Paris'], 'the charts\' clock is the tables\'')
  // time in each state over 24 h: 23 h asleep is 95.8 %
  assert.match(html, /<th scope="row">Asleep<\/th><td>23 h 0 min<\/td><td>95\.8 %<\/td>/)
  assert.match(html, /<th scope="row">2026-11-26<\/th><td>2<\/td><td>0<\/td><td>1<\/td><td>0<\/td>/)
  assert.match(html, /<div><dt>Median<\/dt><dd>42 s<\/dd><\/div>/)
  assert.match(html, /<div><dt>95th percentile<\/dt><dd>1 min 1 s<\/dd><\/div>/)
  assert.match(html, /<tr data-wake-id="7">/)
  assert.match(html, /API or admin <span class="requested-by">\(alice\)<\/span>/)
  assert.match(html, /<td>\+1 s<\/td><td>\+20 s<\/td><td>\+42 s<\/td>/)
  assert.match(html, /<code>HALL_ERR_WAKE_TIMEOUT<\/code> <span class="muted">it took too long<\/span>/)
  assert.match(html, /No shutdown recorded yet\./)
})

test('no boot and no wake yet: says so, and no boot chart', () => {
  const html = renderServerPage(model({ boots: bootStats([]), wakes: [] }), ctx())
  assert.match(html, /No boot by Hall recorded in the last 30 days\./)
  assert.match(html, /No wake recorded yet\./)
  assert.doesNotMatch(html, /id="chart-boots"/)
})

test('hostile text from the store is text: an error message, an account, a server name', () => {
  const html = renderServerPage(model({
    server: HOSTILE,
    wakes: [wake({ requestedBy: HOSTILE, outcome: 'failed', errorCode: HOSTILE, errorMessage: HOSTILE })],
    shutdowns: [{ id: 1, server: 'lab', trigger: 'idle', requestedAt: NOW - HOUR, sendStartedAt: null, sentAt: null, exitCode: null, stderr: null, offAt: null, finishedAt: NOW, outcome: 'failed', errorCode: 'HALL_ERR_SSH_CONNECT', errorMessage: HOSTILE, requestedBy: null }]
  }), viewer())
  assertCspSafe(html, assert)
  assert.match(html, /<span class="muted">&quot;&gt;&lt;script&gt;/)
})

test('the server page in French', () => {
  const html = renderServerPage(model(), ctx({ lang: 'fr' }))
  assert.match(html, /<html lang="fr">/)
  assert.match(html, /État sur les dernières 24 heures/)
  assert.match(html, /API ou administration/)
  assert.match(html, /<div><dt>Médiane<\/dt>/)
  assert.doesNotMatch(html, /Recent wakes|State over/)
  const data = JSON.parse(/id="hall-history">(.*?)<\/script>/.exec(html)![1]!)
  assert.equal(data.phaseNames[1], 'En veille')
})
