// What a server card on the admin overview says, in one place for both sides: the server view
// renders the first paint with it, overview.js keeps the card current with it. A plain ES module
// (no DOM, no dependency), so Node and browsers load the same file; types in card-display.d.ts.

/**
 * Fills `{name}` placeholders once; unknown names stay. The same as waiting-display.js's fill,
 * repeated because a relative import from /admin/assets/ cannot reach /assets/.
 */
export function fill (template, values) {
  return String(template).replace(/\{(\w+)\}/g, function (match, name) {
    return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match
  })
}

/** "45 s", "3 min 5 s", "2 h 5 min", "3 d 4 h": a span at the precision a person reads. */
export function formatSpan (ms) {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return s + ' s'
  const min = Math.floor(s / 60)
  if (min < 60) return min + ' min ' + (s % 60) + ' s'
  const h = Math.floor(min / 60)
  if (h < 24) return h + ' h ' + (min % 60) + ' min'
  return Math.floor(h / 24) + ' d ' + (h % 24) + ' h'
}

/** `2026-11-30T08:00:00+01:00` -> `2026-11-30 08:00`: the schedule's own wall clock. */
export function wallClock (localIso) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(String(localIso))
  return m ? m[1] + ' ' + m[2] : String(localIso)
}

const STEPS = ['requested', 'sent', 'alive', 'running']

/**
 * The texts and switches of one card at `nowMs`. `card` is the JSON of /admin/api/servers;
 * `t` holds the strings: { card, badge, wakeOutcome } in the page's language. Every text is
 * plain: callers escape it (server) or put it in textContent (browser).
 */
export function cardView (card, t, nowMs) {
  const c = t.card
  const wake = card.wake
  return {
    state: own(t.badge, card.state) || card.state,
    since: formatSpan(nowMs - card.since_ms),
    countdown: countdownText(card, c, nowMs),
    suspended: card.shutdown_suspended === true,
    shuttingDown: card.shutdown_pending === true,
    schedule: scheduleText(card.schedule, c),
    steps: wake === null
      ? null
      : STEPS.map(function (step) {
        const at = wake[step + '_at_ms']
        return { step, label: c.steps[step], at: at == null ? c.stepWaiting : fill(c.stepAt, { duration: formatSpan(at - wake.requested_at_ms) }) }
      }),
    lastWake: lastWakeText(card.last_wake, c, t.wakeOutcome),
    wake: card.actions.wake === true,
    shutdown: card.actions.shutdown === true,
    refusal: own(c.refusal, card.actions.shutdown_refusal)
  }
}

// a code from the network names a string only if the table has it as its own (not `toString`)
function own (table, key) {
  return key && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : null
}

function countdownText (card, c, nowMs) {
  if (card.idle_shutdown_at_ms === null || card.idle_shutdown_at_ms === undefined) return null
  const left = card.idle_shutdown_at_ms - nowMs
  return left > 0 ? fill(c.countdown, { duration: formatSpan(left) }) : c.countdownDue
}

function scheduleText (schedule, c) {
  if (!schedule) return null
  if (schedule.next_change === null) return schedule.open ? c.scheduleAlways : c.scheduleNever
  return fill(schedule.open ? c.scheduleOpen : c.scheduleClosed, { at: wallClock(schedule.next_change_local) })
}

function lastWakeText (last, c, outcomes) {
  if (!last) return null
  if (last.outcome === 'running' && last.running_at_ms !== null) {
    return fill(c.lastBoot, { duration: formatSpan(last.running_at_ms - last.requested_at_ms) })
  }
  if (last.outcome === 'failed' || last.outcome === 'timeout') {
    return fill(c.lastFailure, { outcome: own(outcomes, last.outcome) || last.outcome, code: last.error_code || '' })
  }
  return null
}
