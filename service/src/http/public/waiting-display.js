// How the waiting page shows a wake, in one place for both sides: views/waiting.ts renders the
// first paint on the server with it, and waiting.js keeps the page current with it in the browser.
// A plain ES module (ES2017, no dependency, no DOM), so Node and browsers load the same file;
// its types are in waiting-display.d.ts.

/** History is an estimate: the bar never looks finished before the server is actually ready. */
export const PROGRESS_CAP_PCT = 95

/** "12 s", "2 min 5 s". */
export function formatDuration (ms) {
  const total = Math.max(0, Math.floor(ms / 1000))
  const min = Math.floor(total / 60)
  const sec = total % 60
  return min > 0 ? min + ' min ' + sec + ' s' : sec + ' s'
}

/** "~45 s", "~3 min": an estimate, so rounded. */
export function formatApprox (ms) {
  const sec = Math.max(1, Math.round(ms / 1000))
  return sec < 120 ? '~' + sec + ' s' : '~' + Math.round(sec / 60) + ' min'
}

/** Fills `{name}` placeholders once; unknown names, inherited ones included, stay as they are. */
export function fill (template, values) {
  return String(template).replace(/\{(\w+)\}/g, function (match, name) {
    return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match
  })
}

/** The server serves: the page leaves for the original URL (lifecycle/states.ts isServing). */
export function isReady (state) {
  return state === 'RUNNING' || state === 'IDLE'
}

// The bar measures a boot: it moves once the wake is sent, not while the server sleeps or shuts down.
export function isBooting (state) {
  return state === 'WAKING' || state === 'BOOTING'
}

/** The bar's value, 0 to 100, against the usual boot time (null: no history, the bar is hidden). */
export function progressPct (elapsedMs, expectedBootMs, state) {
  if (isReady(state)) return 100
  if (!isBooting(state) || expectedBootMs === null || !(expectedBootMs > 0)) return 0
  return Math.min(PROGRESS_CAP_PCT, Math.floor(elapsedMs / expectedBootMs * 100))
}

/** Whether to say "taking longer than usual": only during a boot, and only against history. */
export function isSlow (elapsedMs, expectedBootMs, state) {
  return isBooting(state) && expectedBootMs !== null && elapsedMs > expectedBootMs
}
