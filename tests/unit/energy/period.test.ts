import test from 'node:test'
import assert from 'node:assert/strict'
import { resolvePeriod } from '../../../service/src/energy/period.js'
import { percentile } from '../../../service/src/energy/availability.js'

const now = Date.parse('2026-10-25T15:00:00Z') // the autumn DST Sunday in Paris: 25 hours long
const DAY = 86_400_000

const cases = [
  { name: '7 days by default, ending now', input: {}, expected: { from: now - 7 * DAY, to: now } },
  { name: '30 days', input: { period: '30d' as const }, expected: { from: now - 30 * DAY, to: now } },
  { name: 'today starts at local midnight (CEST, UTC+2, that morning)', input: { period: 'today' as const }, expected: { from: Date.parse('2026-10-24T22:00:00Z'), to: now } },
  { name: 'from and to win over a period', input: { from: '2026-10-01', to: '2026-10-02T00:00:00Z', period: '7d' as const }, expected: { from: Date.parse('2026-10-01T00:00:00Z'), to: Date.parse('2026-10-02T00:00:00Z') } },
  { name: 'an end in the future stops at now', input: { from: '2026-10-25T00:00:00Z', to: '2027-01-01T00:00:00Z' }, expected: { from: Date.parse('2026-10-25T00:00:00Z'), to: now } },
  { name: 'a date that is not one', input: { from: 'last week' }, expected: '"from" is not a date: "last week" (use ISO 8601, such as 2026-03-28T00:00:00Z)' },
  { name: 'at most 92 days', input: { from: '2026-07-25T15:00:00Z' }, expected: { from: Date.parse('2026-07-25T15:00:00Z'), to: now } },
  { name: 'longer is refused: history holds 90 days, and a year of days would hold up forward-auth', input: { from: '1900-01-01' }, expected: 'the period may be at most 92 days long (Hall keeps 90 days of history)' },
  { name: 'from after to', input: { from: '2026-10-03', to: '2026-10-02' }, expected: '"from" must come before "to" (and before now)' }
]
for (const c of cases) {
  test(`period: ${c.name}`, () => assert.deepEqual(resolvePeriod(c.input, now, 'Europe/Paris'), c.expected))
}

test('percentile: nearest rank, a time someone really waited', () => {
  assert.equal(percentile([], 0.5), null)
  assert.equal(percentile([7], 0.95), 7)
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2)
  // 20 samples: the 19th is the p95
  assert.equal(percentile(Array.from({ length: 20 }, (_v, i) => i + 1), 0.95), 19)
})
