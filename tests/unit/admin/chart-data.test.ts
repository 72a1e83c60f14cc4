import assert from 'node:assert/strict'
import { test } from 'node:test'
import { histogram, stacked, timeLabeller, timelineSeries } from '../../../service/src/http/public/admin/chart-data.js'

// The numbers server-charts.js hands uPlot.

test('a timeline is a stepped series: each segment\'s start, then the last one\'s end', () => {
  assert.deepEqual(timelineSeries([[0, 10, 1], [10, 25, 2], [25, 40, 4]]), [[0, 10, 25, 40], [1, 2, 4, 4]])
  assert.deepEqual(timelineSeries([]), [[], []])
})

test('wakes per day are stacked as running totals', () => {
  assert.deepEqual(stacked([[1, 0, 2], [0, 1, 1], [1, 1, 0]]), [[1, 0, 2], [1, 1, 3], [2, 2, 3]])
})

test('boot times fall into about ten equal bins, every sample counted once', () => {
  const [centres, counts] = histogram([40, 41, 42, 45, 60, 61, 95])
  assert.equal(counts.reduce((a, b) => a + b, 0), 7)
  assert.equal(centres.length, counts.length)
  assert.ok(counts.length <= 11)
  assert.equal(counts[0], 4, '40 to 45 s: the first bin [40, 46)')
  assert.deepEqual(histogram([30]), [[30.5], [1]])
  assert.deepEqual(histogram([]), [[], []])
})

test('time labels are on Hall\'s clock, 24-hour, with the day once the span passes two days', () => {
  const at = Date.parse('2026-11-26T17:30:00Z') / 1000
  assert.equal(timeLabeller('en-GB', 'Europe/Paris', 86_400)(at), '18:30')
  assert.equal(timeLabeller('fr-FR', 'UTC', 86_400)(at), '17:30')
  assert.equal(timeLabeller('en-GB', 'Europe/Paris', 7 * 86_400)(at), 'Thu 26, 18:30')
})
