// Hall admin Energy page: kWh used and saved per day, for the fleet and for each server with
// power, drawn with uPlot from the page's JSON data block. The tables below say the same for
// readers without JavaScript.
import UPlot from './uPlot.esm.js'
import { keepChartsSized } from './page-helpers.js'

export function runEnergyCharts (g) {
  const document = g.document
  const block = document.getElementById('hall-energy')
  if (!block) return
  let data
  try { data = JSON.parse(block.textContent) } catch (e) { return }
  if (data.days.length === 0) return
  const css = g.getComputedStyle(document.documentElement)
  const color = function (name, fallback) { return (css.getPropertyValue(name) || '').trim() || fallback }
  const usedColor = color('--warn', '#7a4b00')
  const savedColor = color('--ok', '#1d6b35')
  const axis = { stroke: color('--muted', '#4f5661'), grid: { stroke: color('--border', '#d7dbe0') }, ticks: { stroke: color('--border', '#d7dbe0') } }
  const days = data.days.map(function (_d, i) { return i })
  const charts = []

  function bars (id, used, saved) {
    const el = document.getElementById(id)
    if (!el) return
    const width = Math.max(280, el.clientWidth || 600)
    const series = function (label, values, fill, offset) {
      return {
        label,
        fill,
        stroke: fill,
        paths: UPlot.paths.bars({ size: [0.35, 32], align: offset }),
        points: { show: false },
        value: function (_u, _v, _s, i) { return i == null ? '' : values[i].toFixed(3) + ' kWh' }
      }
    }
    charts.push({
      el,
      plot: new UPlot({
        width,
        height: 200,
        scales: { x: { time: false, range: [-0.5, days.length - 0.5] } },
        axes: [Object.assign({}, axis, { splits: function () { return days }, values: function (_u, splits) { return splits.map(function (i) { return (data.days[i] || '').slice(5) }) } }),
          // kWh (the legend says so); a demo's day is a few Wh: significant digits, never a row of zeros
          Object.assign({}, axis, { size: 64, values: function (_u, splits) { return splits.map(function (v) { return String(Number(v.toPrecision(2))) }) } })],
        series: [{ label: data.labels.day, value: function (_u, i) { return i == null ? '' : data.days[i] } },
          series(data.labels.used, used, usedColor, -1), series(data.labels.saved, saved, savedColor, 1)]
      }, [days, used, saved], el)
    })
  }

  bars('energy-chart-total', data.total.used, data.total.saved)
  data.servers.forEach(function (s, i) { bars('energy-chart-' + i, s.used, s.saved) })

  keepChartsSized(g, charts)
}

if (typeof document !== 'undefined') runEnergyCharts(globalThis)
