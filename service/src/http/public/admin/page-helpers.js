// Small helpers the admin's page scripts share. Plain JavaScript, loaded by the browser as an
// ES module next to them (no build step, no inline script under the page's CSP).

/** The JSON of a `<script type="application/json" id="…">` block; {} when it is missing or broken. */
export function readJson (document, id) {
  const block = document.getElementById(id)
  try {
    return JSON.parse(block ? block.textContent : '{}') || {}
  } catch (e) {
    return {}
  }
}

/**
 * Once charts are drawn, hides the note that says they need JavaScript, and keeps each chart
 * as wide as its box when the window is resized (at most one resize every 150 ms).
 */
export function keepChartsSized (g, charts) {
  const note = g.document.getElementById('hall-no-charts')
  if (note && charts.length > 0) note.hidden = true
  let pending = null
  g.addEventListener('resize', function () {
    if (pending !== null) g.clearTimeout(pending)
    pending = g.setTimeout(function () {
      pending = null
      for (const c of charts) c.plot.setSize({ width: Math.max(280, c.el.clientWidth || 600), height: 200 })
    }, 150)
  })
}
