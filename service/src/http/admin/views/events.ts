import type { EventLevel, EventRecord } from '../../../store/index.js'
import { escapeHtml } from '../../views/escape.js'
import { formatDateTime, timeTag, type AdminContext } from './context.js'
import { renderAdminPage } from './layout.js'
import { adminMessages } from './strings.js'

export const periods = ['1h', '24h', '7d', '30d', 'all'] as const
export type Period = typeof periods[number]
export const levels: readonly EventLevel[] = ['info', 'warn', 'error']

export interface EventFilters {
  readonly server?: string
  readonly kind?: string
  readonly level?: EventLevel
  readonly period: Period
}

export interface EventsModel {
  readonly filters: EventFilters
  /** The servers of the config, for the filter's list. */
  readonly servers: readonly string[]
  /** Kinds Hall writes, offered as suggestions: the field takes any. */
  readonly kinds: readonly string[]
  /** Newest first. */
  readonly events: readonly EventRecord[]
  /** The id the next (older) page starts before; null on the last page. */
  readonly olderThan: number | null
  /** This page starts at the newest event: the live tail may run. */
  readonly newest: boolean
}

/** An event as the live tail's JSON carries it: texts already formatted, as the table shows them. */
export interface EventRow {
  id: number
  at: string
  at_text: string
  level: string
  level_text: string
  server: string
  kind: string
  message: string
  by: string
  details: string | null
}

/**
 * Who asked for it: the account the admin's audit records (details.account), else who the
 * command line says ran it (details.by, e.g. "root (hall user)"), when there is one.
 */
function byOf (e: EventRecord): string {
  const d = e.details
  if (d === null || typeof d !== 'object') return ''
  const { account, by } = d as { account?: unknown, by?: unknown }
  return typeof account === 'string' ? account : typeof by === 'string' ? by : ''
}

export function eventRow (e: EventRecord, ctx: AdminContext): EventRow {
  const t = adminMessages[ctx.lang].events
  return {
    id: e.id,
    at: new Date(e.at).toISOString(),
    at_text: formatDateTime(e.at, ctx.lang, ctx.timeZone),
    level: e.level,
    level_text: t.levels[e.level] ?? e.level,
    server: e.server ?? '',
    kind: e.kind,
    message: e.message,
    by: byOf(e),
    details: e.details === null ? null : JSON.stringify(e.details, null, 2)
  }
}

/** The query string of `filters`, plus `extra`: for the pagination links and the tail. */
export function filterQuery (f: EventFilters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams()
  if (f.server !== undefined) q.set('server', f.server)
  if (f.kind !== undefined) q.set('kind', f.kind)
  if (f.level !== undefined) q.set('level', f.level)
  q.set('period', f.period)
  for (const [k, v] of Object.entries(extra)) q.set(k, v)
  return q.toString()
}

export function renderEventsPage (m: EventsModel, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].events
  const f = m.filters
  const option = (value: string, label: string, selected: boolean): string =>
    `<option value="${escapeHtml(value)}"${selected ? ' selected' : ''}>${escapeHtml(label)}</option>`
  const form = `<form method="get" action="/admin/events" class="filters" aria-label="${escapeHtml(t.filters)}">
<label>${escapeHtml(t.server)} <select name="server">${option('', t.any, f.server === undefined)}${m.servers.map(s => option(s, s, s === f.server)).join('')}</select></label>
<label>${escapeHtml(t.kind)} <input name="kind" list="event-kinds" maxlength="64" value="${escapeHtml(f.kind ?? '')}"></label>
<datalist id="event-kinds">${m.kinds.map(k => `<option value="${escapeHtml(k)}"></option>`).join('')}</datalist>
<label>${escapeHtml(t.level)} <select name="level">${option('', t.any, f.level === undefined)}${levels.map(l => option(l, t.levels[l], l === f.level)).join('')}</select></label>
<label>${escapeHtml(t.period)} <select name="period">${periods.map(p => option(p, t.periods[p], p === f.period)).join('')}</select></label>
<button type="submit" class="button">${escapeHtml(t.apply)}</button>
</form>`
  const rows = m.events.map(e => renderRow(eventRow(e, ctx), e.at, ctx)).join('\n')
  const tail = m.newest
    ? `<p class="tail"><button type="button" class="link-button" id="hall-tail-toggle" aria-pressed="false" hidden>${escapeHtml(t.follow)}</button> <span class="muted" id="hall-tail-status" role="status"></span></p>`
    : ''
  const pages = [
    m.newest ? '' : `<a href="/admin/events?${escapeHtml(filterQuery(f))}">${escapeHtml(t.newest)}</a>`,
    m.olderThan === null ? '' : `<a href="/admin/events?${escapeHtml(filterQuery(f, { before: String(m.olderThan) }))}" rel="next">${escapeHtml(t.older)}</a>`
  ].filter(Boolean).join(' · ')
  const body = `${form}
${tail}
<div class="table-wrap"><table class="events" id="hall-events" data-tail-url="/admin/api/log?${escapeHtml(filterQuery(f))}" data-newest-id="${m.events[0]?.id ?? 0}">
<thead><tr><th scope="col">${escapeHtml(t.col.at)}</th><th scope="col">${escapeHtml(t.col.level)}</th><th scope="col">${escapeHtml(t.col.server)}</th><th scope="col">${escapeHtml(t.col.kind)}</th><th scope="col">${escapeHtml(t.col.message)}</th><th scope="col">${escapeHtml(t.col.by)}</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>
${m.events.length === 0 ? `<p class="muted" id="hall-events-empty">${escapeHtml(t.empty)}</p>` : ''}
<nav class="pages">${pages}</nav>`
  return renderAdminPage(ctx, {
    title: t.title,
    section: 'events',
    body,
    scripts: m.newest ? ['events-tail.js'] : [],
    data: m.newest ? { 'hall-events-strings': { follow: t.follow, pause: t.pause, following: t.following, paused: t.paused, details: t.details } } : {}
  })
}

function renderRow (r: EventRow, atMs: number, ctx: AdminContext): string {
  const t = adminMessages[ctx.lang].events
  const details = r.details === null ? '' : `<details><summary>${escapeHtml(t.details)}</summary><pre>${escapeHtml(r.details)}</pre></details>`
  return `<tr data-event-id="${r.id}" class="level-${escapeHtml(r.level)}"><td>${timeTag(atMs, ctx)}</td><td>${escapeHtml(r.level_text)}</td><td>${escapeHtml(r.server)}</td><td><code>${escapeHtml(r.kind)}</code></td><td>${escapeHtml(r.message)}${details}</td><td>${escapeHtml(r.by)}</td></tr>`
}
