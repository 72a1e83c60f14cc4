import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cardView, fill, formatSpan, wallClock } from '../../../service/src/http/public/admin/card-display.js'
import { cardStrings } from '../../../service/src/http/admin/views/card.js'
import { fill as waitingFill } from '../../../service/src/http/public/waiting-display.js'
import { card, NOW } from '../http/views/admin/fixtures.js'

// What a card says, computed once for the server's first paint and the browser's updates.

const spans = [
  { ms: -1, text: '0 s' },
  { ms: 59_999, text: '59 s' },
  { ms: 125_000, text: '2 min 5 s' },
  { ms: 3 * 3600_000 + 12 * 60_000, text: '3 h 12 min' },
  { ms: 50 * 3600_000, text: '2 d 2 h' }
]
for (const s of spans) test(`formatSpan(${s.ms}) = ${s.text}`, () => assert.equal(formatSpan(s.ms), s.text))

test('wallClock: the schedule\'s local time as it is written, whatever the browser\'s zone', () => {
  assert.equal(wallClock('2026-03-29T03:00:00+02:00'), '2026-03-29 03:00')
  assert.equal(wallClock('not a time'), 'not a time')
})

test('fill behaves as the waiting page\'s', () => {
  for (const [template, values] of [['{a} and {b}', { a: '1' }], ['{toString} {a}', { a: '{b}', b: 'no' }]] as const) {
    assert.equal(fill(template, values), waitingFill(template, values))
  }
})

const en = cardStrings({ lang: 'en' })

test('a wake under way: each step\'s time after the request, the ones to come waiting', () => {
  const v = cardView(card({ state: 'BOOTING', wake: { requested_at_ms: NOW - 40_000, sent_at_ms: NOW - 39_000, alive_at_ms: NOW - 10_000, running_at_ms: null } }), en, NOW)
  assert.deepEqual(v.steps, [
    { step: 'requested', label: 'Requested', at: '+0 s' },
    { step: 'sent', label: 'Wake-on-LAN sent', at: '+1 s' },
    { step: 'alive', label: 'Host answers', at: '+30 s' },
    { step: 'running', label: 'Running', at: 'waiting' }
  ])
  assert.equal(v.state, 'Starting')
})

test('the idle countdown runs down to "shutting down"; no countdown without one', () => {
  assert.equal(cardView(card({ idle_shutdown_at_ms: NOW + 61_000 }), en, NOW).countdown, 'Idle: shuts down in 1 min 1 s')
  assert.equal(cardView(card({ idle_shutdown_at_ms: NOW - 1 }), en, NOW).countdown, 'Idle: shutting down')
  assert.equal(cardView(card(), en, NOW).countdown, null)
})

test('the next schedule change, and schedules that never change', () => {
  const at = { open: false, next_change: 'opens' as const, next_change_local: '2026-11-30T08:00:00+01:00' }
  assert.equal(cardView(card({ schedule: at }), en, NOW).schedule, 'Schedule window closed; it opens at 2026-11-30 08:00.')
  assert.equal(cardView(card({ schedule: { open: true, next_change: null, next_change_local: null } }), en, NOW).schedule, 'Schedule window always open.')
  assert.equal(cardView(card(), en, NOW).schedule, null)
})

test('the last wake: its boot time, or how it failed', () => {
  const ok = card({ last_wake: { outcome: 'running', requested_at_ms: NOW - 100_000, running_at_ms: NOW - 55_000, error_code: null } })
  assert.equal(cardView(ok, en, NOW).lastWake, 'Last boot took 45 s.')
  const failed = card({ last_wake: { outcome: 'timeout', requested_at_ms: NOW - 100_000, running_at_ms: null, error_code: 'HALL_ERR_WAKE_TIMEOUT' } })
  assert.equal(cardView(failed, cardStrings({ lang: 'fr' }), NOW).lastWake, 'Dernier réveil trop long : HALL_ERR_WAKE_TIMEOUT.')
})

test('buttons and the refusal follow the card\'s actions; an unknown refusal code shows nothing', () => {
  const v = cardView(card({ actions: { wake: false, shutdown: false, shutdown_refusal: 'no-command' } }), en, NOW)
  assert.equal(v.wake, false)
  assert.equal(v.refusal, 'No shutdown: no shutdown command is configured for this server.')
  const odd = card({ actions: { wake: true, shutdown: true, shutdown_refusal: 'toString' as 'schedule' } })
  assert.equal(cardView(odd, en, NOW).refusal, null)
})
