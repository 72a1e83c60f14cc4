// Hall admin server page: draws the state timelines, the wakes per day and the boot times with
// uPlot (served by Hall from its own node_modules) from the page's JSON data block. The tables
// below each chart carry the same figures for readers without JavaScript.
import UPlot from './uPlot.esm.js'
import { keepChartsSized } from './page-helpers.js'
import { histogram, stacked, timeLabeller, timelineSeries } from './chart-data.js'

export function runServerCharts (g) {
  const document = g.document
  const block = document.getElementById('hall-history')
  if (!block) return
  let data
  try { data = JSON.parse(block.textContent) } catch (e) { return }
  const css = g.getComputedStyle(document.documentElement)
  const color = function (name, fallback) { return (css.getPropertyValue(name) || '').trim() || fallback }
  const accent = color('--accent', '#1f5fbf')
  const muted = color('--muted', '#4f5661')
  const axis = { stroke: muted, grid: { stroke: color('--border', '#d7dbe0') }, ticks: { stroke: color('--border', '#d7dbe0') } }
  const charts = []

  function draw (id, opts, series) {
    const el = document.getElementById(id)
    if (!el) return
    const width = Math.max(280, el.clientWidth || 600)
    charts.push({ el, plot: new UPlot(Object.assign({ width, height: 200 }, opts), series, el) })
  }

  function timeline (id, segments) {
    if (segments.length === 0) return
    const span = segments[segments.length - 1][1] - segments[0][0]
    const label = timeLabeller(data.lang, data.timeZone, span)
    draw(id, {
      // ticks fall on Hall's own hours and midnights, as the tables' times do
      tzDate: function (ts) { return UPlot.tzDate(new Date(ts * 1000), data.timeZone) },
      scales: { y: { range: [-0.5, data.phases.length - 0.5] } },
      axes: [Object.assign({}, axis, { space: span > 2 * 86400 ? 110 : 60, values: function (_u, splits) { return splits.map(label) } }), Object.assign({}, axis, { size: 110, splits: function () { return data.phases.map(function (_p, i) { return i }) }, values: function (_u, splits) { return splits.map(function (i) { return data.phaseNames[i] || '' }) } })],
      series: [{ label: data.labels.time, value: function (_u, v) { return v == null ? '' : label(v) } }, { label: data.labels.state, stroke: accent, width: 2, paths: UPlot.paths.stepped({ align: 1 }), value: function (_u, v) { return v == null ? '' : data.phaseNames[v] } }],
      legend: { show: true }
    }, timelineSeries(segments))
  }

  timeline('chart-day', data.day)
  timeline('chart-week', data.week)

  const outcomeColors = [color('--ok', '#1d6b35'), color('--danger-text', '#8a1c1c'), color('--warn', '#7a4b00'), muted]
  const totals = stacked(data.wakes)
  const days = data.days.map(function (_d, i) { return i })
  // tallest first: each shorter running total is drawn over the one before
  const order = totals.map(function (_t, i) { return totals.length - 1 - i })
  draw('chart-wakes', {
    scales: { x: { time: false, range: [-0.5, days.length - 0.5] } },
    axes: [Object.assign({}, axis, { splits: function () { return days }, values: function (_u, splits) { return splits.map(function (i) { return (data.days[i] || '').slice(5) }) } }), Object.assign({}, axis)],
    series: [{ label: data.labels.day || '', value: function (_u, i) { return i == null ? '' : data.days[i] } }].concat(order.map(function (k) {
      return {
        label: data.outcomeNames[k],
        fill: outcomeColors[k],
        stroke: outcomeColors[k],
        paths: UPlot.paths.bars({ size: [0.6, 48] }),
        points: { show: false },
        // the legend reads the day's own count, not the running total
        value: function (_u, _v, _s, i) { return i == null ? '' : String(data.wakes[k][i]) }
      }
    }))
  }, [days].concat(order.map(function (k) { return totals[k] })))

  if (data.bootsSeconds.length > 0) {
    const h = histogram(data.bootsSeconds)
    draw('chart-boots', {
      scales: { x: { time: false } },
      axes: [Object.assign({}, axis, { values: function (_u, splits) { return splits.map(function (s) { return Number(s.toFixed(1)) + ' ' + data.labels.seconds }) } }), Object.assign({}, axis)],
      series: [{}, { label: data.labels.boots, fill: accent, stroke: accent, paths: UPlot.paths.bars({ size: [0.9, 64] }), points: { show: false } }]
    }, h)
  }

  keepChartsSized(g, charts)
}

if (typeof document !== 'undefined') runServerCharts(globalThis)
