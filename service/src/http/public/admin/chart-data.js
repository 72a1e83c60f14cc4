// The numbers server-charts.js hands uPlot, worked out from the page's JSON: plain functions
// with no DOM and no chart library, so Node tests them as the browser runs them.

/** Stepped series for a timeline: each segment's start, then the last one's end, at its phase. */
export function timelineSeries (segments) {
  const xs = []
  const ys = []
  for (const s of segments) { xs.push(s[0]); ys.push(s[2]) }
  const last = segments[segments.length - 1]
  if (last) { xs.push(last[1]); ys.push(last[2]) }
  return [xs, ys]
}

/** Running totals, so bars drawn tallest first read as one stacked bar per day. */
export function stacked (rows) {
  const out = []
  let sum = null
  for (const row of rows) {
    sum = sum === null ? row.slice() : sum.map(function (v, i) { return v + row[i] })
    out.push(sum)
  }
  return out
}

/** About ten equal bins over the samples (seconds): [centres, counts]. */
export function histogram (samples) {
  if (samples.length === 0) return [[], []]
  const min = Math.min.apply(null, samples)
  const max = Math.max.apply(null, samples)
  const width = Math.max(1, Math.ceil((max - min) / 10))
  const bins = Math.floor((max - min) / width) + 1
  const counts = new Array(bins).fill(0)
  for (const s of samples) counts[Math.floor((s - min) / width)]++
  return [counts.map(function (_c, i) { return min + width * (i + 0.5) }), counts]
}

/**
 * Tick and legend labels for a time axis in seconds, on Hall's clock (`timeZone`, a 24-hour
 * clock) rather than the browser's: the page's tables say "Times are in <zone>" too.
 */
export function timeLabeller (lang, timeZone, spanSeconds) {
  const options = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }
  if (spanSeconds > 2 * 86400) Object.assign(options, { weekday: 'short', day: 'numeric' })
  const format = new Intl.DateTimeFormat(lang, options)
  return function (seconds) { return format.format(seconds * 1000) }
}
