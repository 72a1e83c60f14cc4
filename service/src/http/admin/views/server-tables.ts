import { fill } from '../../i18n.js'
import { formatSpan } from '../../public/admin/card-display.js'
import { escapeHtml } from '../../views/escape.js'
import type { BootTimes, DayWakes, RequestedBy } from '../../../store/history.js'
import type { ShutdownRecord, WakeRecord } from '../../../store/index.js'
import { timeTag, type AdminContext } from './context.js'
import { adminMessages } from './strings.js'

// The server page's tables: what its charts show, for readers without JavaScript.

function table (headers: readonly string[], rows: readonly string[]): string {
  return `<div class="table-wrap"><table>
<thead><tr>${headers.map(h => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table></div>`
}

/** "+12 s" after the request, or the empty mark while that step has not happened. */
function after (at: number | null, from: number, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang]
  return escapeHtml(at === null ? t.none : fill(t.card.stepAt, { duration: formatSpan(at - from) }))
}

function errorCell (code: string | null, message: string | null): string {
  if (code === null) return ''
  return `<code>${escapeHtml(code)}</code>${message === null ? '' : ` <span class="muted">${escapeHtml(message)}</span>`}`
}

/** The trigger, and the account when a person asked from the admin. */
function trigger (label: string, by: string | null): string {
  return by === null ? escapeHtml(label) : `${escapeHtml(label)} <span class="requested-by">(${escapeHtml(by)})</span>`
}

export function renderWakesPerDay (days: readonly DayWakes[], ctx: AdminContext): string {
  const s = adminMessages[ctx.lang].server
  const outcomes = ['running', 'failed', 'timeout', 'cancelled'] as const
  const rows = days.map(d => `<tr><th scope="row">${escapeHtml(d.day)}</th>${outcomes.map(o => `<td>${d.counts[o]}</td>`).join('')}</tr>`)
  return table([s.col.day, ...outcomes.map(o => s.wakeOutcome[o])], rows)
}

export function renderBootTimes (b: BootTimes, ctx: AdminContext): string {
  const s = adminMessages[ctx.lang].server
  if (b.count === 0 || b.medianMs === null || b.p95Ms === null) return `<p class="muted">${escapeHtml(s.noBoots)}</p>`
  const item = (label: string, value: string): string => `<div><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd></div>`
  return `<dl class="facts boot-stats">
${item(s.boots, String(b.count))}
${item(s.median, formatSpan(b.medianMs))}
${item(s.p95, formatSpan(b.p95Ms))}
${item(s.fastest, formatSpan(b.samplesMs[0]!))}
${item(s.slowest, formatSpan(b.samplesMs.at(-1)!))}
</dl>`
}

export function renderWakes (wakes: ReadonlyArray<WakeRecord & RequestedBy>, ctx: AdminContext): string {
  const s = adminMessages[ctx.lang].server
  if (wakes.length === 0) return `<p class="muted">${escapeHtml(s.noWakes)}</p>`
  const rows = wakes.map(w => `<tr data-wake-id="${w.id}">
<td>${timeTag(w.requestedAt, ctx)}</td><td>${trigger(s.wakeTrigger[w.trigger], w.requestedBy)}</td><td>${escapeHtml(w.method)}</td>
<td>${after(w.sentAt, w.requestedAt, ctx)}</td><td>${after(w.aliveAt, w.requestedAt, ctx)}</td><td>${after(w.runningAt, w.requestedAt, ctx)}</td>
<td><span class="outcome outcome-${escapeHtml(w.outcome)}">${escapeHtml(s.wakeOutcome[w.outcome])}</span></td><td>${errorCell(w.errorCode, w.errorMessage)}</td></tr>`)
  return table([s.col.requested, s.col.trigger, s.col.method, s.col.sent, s.col.alive, s.col.running, s.col.outcome, s.col.error], rows)
}

export function renderShutdowns (shutdowns: ReadonlyArray<ShutdownRecord & RequestedBy>, ctx: AdminContext): string {
  const s = adminMessages[ctx.lang].server
  if (shutdowns.length === 0) return `<p class="muted">${escapeHtml(s.noShutdowns)}</p>`
  const rows = shutdowns.map(d => `<tr data-shutdown-id="${d.id}">
<td>${timeTag(d.requestedAt, ctx)}</td><td>${trigger(s.shutdownTrigger[d.trigger], d.requestedBy)}</td>
<td>${after(d.sentAt, d.requestedAt, ctx)}</td><td>${after(d.offAt, d.requestedAt, ctx)}</td>
<td><span class="outcome outcome-${escapeHtml(d.outcome)}">${escapeHtml(s.shutdownOutcome[d.outcome])}</span></td><td>${errorCell(d.errorCode, d.errorMessage)}</td></tr>`)
  return table([s.col.requested, s.col.trigger, s.col.sent, s.col.off, s.col.outcome, s.col.error], rows)
}
