import { fill, messages } from '../../i18n.js'
import { formatSpan } from '../../public/admin/card-display.js'
import { escapeHtml } from '../../views/escape.js'
import { phases } from '../../../lifecycle/states.js'
import type { BootTimes, DayWakes, PhaseSegment, RequestedBy } from '../../../store/history.js'
import type { ShutdownRecord, WakeRecord } from '../../../store/index.js'
import { timeTag, type AdminContext } from './context.js'
import { renderAdminPage } from './layout.js'
import { renderBootTimes, renderShutdowns, renderWakes, renderWakesPerDay } from './server-tables.js'
import { adminMessages } from './strings.js'

export interface ServerHistoryModel {
  readonly server: string
  readonly state: string
  readonly nowMs: number
  readonly day: readonly PhaseSegment[]
  readonly week: readonly PhaseSegment[]
  readonly wakesPerDay: readonly DayWakes[]
  readonly boots: BootTimes
  readonly wakes: ReadonlyArray<WakeRecord & RequestedBy>
  readonly shutdowns: ReadonlyArray<ShutdownRecord & RequestedBy>
}

export const DAY_MS = 86_400_000
/** The changes of state listed under the 24-hour chart; the chart itself shows them all. */
export const MAX_LISTED_SEGMENTS = 50

/** `/admin/servers/:name`: charts drawn by server-charts.js (uPlot) over tables that say the same. */
export function renderServerPage (m: ServerHistoryModel, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang]
  const s = t.server
  const server = { server: m.server }
  const chart = (id: string, label: string): string =>
    `<div class="chart" id="${id}" role="img" aria-label="${escapeHtml(fill(label, server))}"></div>`
  const body = `<p><a href="/admin/">${escapeHtml(s.back)}</a> · <span class="badge badge-${escapeHtml(m.state.toLowerCase())}">${escapeHtml(messages[ctx.lang].badge[m.state as keyof typeof messages.en.badge] ?? m.state)}</span></p>
<p class="muted no-charts" id="hall-no-charts">${escapeHtml(s.chartsNeedScript)}</p>
<section aria-labelledby="day-h">
<h2 id="day-h">${escapeHtml(s.timeline24h)}</h2>
${chart('chart-day', s.timelineLabel)}
</section>
<section aria-labelledby="week-h">
<h2 id="week-h">${escapeHtml(s.timeline7d)}</h2>
${chart('chart-week', s.timelineLabel)}
</section>
<section aria-labelledby="share-h">
<h2 id="share-h">${escapeHtml(s.share)}</h2>
${renderShares(m, ctx)}
</section>
<section aria-labelledby="segments-h">
<h2 id="segments-h">${escapeHtml(s.segments)}</h2>
${renderSegments(m.day, ctx)}
</section>
<section aria-labelledby="per-day-h">
<h2 id="per-day-h">${escapeHtml(s.wakesPerDay)}</h2>
${chart('chart-wakes', s.wakesLabel)}
${renderWakesPerDay(m.wakesPerDay, ctx)}
</section>
<section aria-labelledby="boots-h">
<h2 id="boots-h">${escapeHtml(s.bootTimes)}</h2>
${m.boots.count === 0 ? '' : chart('chart-boots', s.bootsLabel)}
${renderBootTimes(m.boots, ctx)}
</section>
<section aria-labelledby="wakes-h">
<h2 id="wakes-h">${escapeHtml(s.recentWakes)}</h2>
${renderWakes(m.wakes, ctx)}
</section>
<section aria-labelledby="shutdowns-h">
<h2 id="shutdowns-h">${escapeHtml(s.recentShutdowns)}</h2>
${renderShutdowns(m.shutdowns, ctx)}
</section>`
  return renderAdminPage(ctx, {
    title: fill(s.title, server),
    section: null,
    body,
    styles: ['uPlot.min.css'],
    scripts: ['server-charts.js'],
    data: { 'hall-history': chartData(m, ctx) }
  })
}

/** What server-charts.js draws: times in seconds (uPlot's unit), phases by their index in `phases`. */
function chartData (m: ServerHistoryModel, ctx: AdminContext): object {
  const t = adminMessages[ctx.lang]
  const segments = (list: readonly PhaseSegment[]): number[][] => list.map(g => [g.from / 1000, g.to / 1000, phaseIndex(g.phase)])
  return {
    lang: ctx.lang === 'fr' ? 'fr-FR' : 'en-GB',
    timeZone: ctx.timeZone,
    phases,
    phaseNames: phases.map(p => messages[ctx.lang].badge[p]),
    day: segments(m.day),
    week: segments(m.week),
    days: m.wakesPerDay.map(d => d.day),
    outcomes: ['running', 'failed', 'timeout', 'cancelled'],
    outcomeNames: ['running', 'failed', 'timeout', 'cancelled'].map(o => t.server.wakeOutcome[o as 'running']),
    wakes: ['running', 'failed', 'timeout', 'cancelled'].map(o => m.wakesPerDay.map(d => d.counts[o as 'running'])),
    bootsSeconds: m.boots.samplesMs.map(ms => ms / 1000),
    labels: { day: t.server.col.day, time: t.server.col.from, state: t.server.col.state, count: t.server.col.count, seconds: 's', boots: t.server.boots, median: t.server.median, p95: t.server.p95 },
    medianSeconds: m.boots.medianMs === null ? null : m.boots.medianMs / 1000,
    p95Seconds: m.boots.p95Ms === null ? null : m.boots.p95Ms / 1000
  }
}

function phaseIndex (phase: string): number {
  const i = (phases as readonly string[]).indexOf(phase)
  return i < 0 ? 0 : i
}

function renderShares (m: ServerHistoryModel, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].server
  const total = (list: readonly PhaseSegment[]): Map<string, number> => {
    const sums = new Map<string, number>()
    for (const g of list) sums.set(g.phase, (sums.get(g.phase) ?? 0) + g.to - g.from)
    return sums
  }
  const day = total(m.day)
  const week = total(m.week)
  const cell = (sums: Map<string, number>, span: number, phase: string): string => {
    const ms = sums.get(phase) ?? 0
    return `<td>${escapeHtml(formatSpan(ms))}</td><td>${span > 0 ? Math.round(ms / span * 1000) / 10 : 0} %</td>`
  }
  const rows = phases.filter(p => day.has(p) || week.has(p)).map(p =>
    `<tr><th scope="row">${escapeHtml(messages[ctx.lang].badge[p])}</th>${cell(day, DAY_MS, p)}${cell(week, 7 * DAY_MS, p)}</tr>`).join('\n')
  return `<div class="table-wrap"><table>
<thead><tr><th scope="col">${escapeHtml(t.col.state)}</th><th scope="col" colspan="2">24 h</th><th scope="col" colspan="2">7 d</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>`
}

function renderSegments (day: readonly PhaseSegment[], ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].server
  const newest = [...day].reverse().slice(0, MAX_LISTED_SEGMENTS)
  const rows = newest.map(g => `<tr><td>${escapeHtml(messages[ctx.lang].badge[g.phase as 'UNKNOWN'] ?? g.phase)}</td><td>${timeTag(g.from, ctx)}</td><td>${timeTag(g.to, ctx)}</td><td>${escapeHtml(formatSpan(g.to - g.from))}</td></tr>`).join('\n')
  const more = day.length > MAX_LISTED_SEGMENTS ? `<p class="muted">${escapeHtml(fill(t.moreSegments, { count: String(MAX_LISTED_SEGMENTS) }))}</p>` : ''
  return `<div class="table-wrap"><table>
<thead><tr><th scope="col">${escapeHtml(t.col.state)}</th><th scope="col">${escapeHtml(t.col.from)}</th><th scope="col">${escapeHtml(t.col.to)}</th><th scope="col">${escapeHtml(t.col.duration)}</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>${more}`
}
