import type { FastifyInstance } from 'fastify'
import type { EventLevel } from '../../../store/index.js'
import type { EventQuery } from '../../../store/history.js'
import { contextOf, sendHtml } from '../page-context.js'
import type { AdminPageDeps } from '../pages.js'
import { eventRow, levels, periods, renderEventsPage, type EventFilters, type Period } from '../views/events.js'

export const EVENTS_PER_PAGE = 50
/** Rows one poll of the live tail returns at most; the next poll takes the rest. */
export const TAIL_ROWS = 100

/** The kinds Hall writes, offered in the filter: the field accepts any other. */
export const knownKinds = [
  'wake-failed', 'wake-refused', 'external-boot', 'shutdown-failed', 'shutdown-vetoed', 'config-reloaded', 'config-rejected',
  'admin-wake', 'admin-wake-refused', 'admin-shutdown', 'admin-shutdown-refused', 'api-key-created', 'api-key-revoked',
  'account-added', 'account-removed', 'account-password-changed', 'login', 'login-failed', 'login-locked', 'logout'
] as const

const periodMs: Record<Period, number | null> = { '1h': 3600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, all: null }

interface FilterQuery { server?: string, kind?: string, level?: EventLevel | '', period?: Period, before?: number, after?: number }

const filterProperties = {
  server: { type: 'string', maxLength: 63 },
  kind: { type: 'string', maxLength: 64 },
  level: { type: 'string', enum: ['', ...levels] },
  period: { type: 'string', enum: periods }
} as const
const pageQuery = { type: 'object', properties: { ...filterProperties, before: { type: 'integer', minimum: 1 } } } as const
const tailQuery = { type: 'object', required: ['after'], properties: { ...filterProperties, after: { type: 'integer', minimum: 0 } } } as const

/** `/admin/events` (filters, keyset pages) and `/admin/api/log` (what the live tail polls). */
export function eventRoutes (app: FastifyInstance, deps: AdminPageDeps): void {
  const { fleet, db, clock } = deps

  app.get<{ Querystring: FilterQuery }>('/events', { schema: { querystring: pageQuery, response: { 200: { type: 'string' } } } }, async (req, reply) => {
    const ctx = contextOf(req, reply, clock)
    const filters = filtersOf(req.query)
    const query = queryOf(filters, ctx.nowMs)
    // one more than a page: whether an older page exists, without counting
    const rows = db.events({ ...query, beforeId: req.query.before }, EVENTS_PER_PAGE + 1)
    const events = rows.slice(0, EVENTS_PER_PAGE)
    return sendHtml(reply, renderEventsPage({
      filters,
      servers: [...fleet.config().servers.keys()].sort(),
      kinds: knownKinds,
      events,
      olderThan: rows.length > EVENTS_PER_PAGE ? events.at(-1)!.id : null,
      newest: req.query.before === undefined
    }, ctx))
  })

  app.get<{ Querystring: FilterQuery & { after: number } }>('/api/log', { logLevel: 'warn', schema: { querystring: tailQuery } }, async (req, reply) => {
    const ctx = contextOf(req, reply, clock)
    const rows = db.eventsAfter(req.query.after, queryOf(filtersOf(req.query), ctx.nowMs), TAIL_ROWS)
    return reply.header('cache-control', 'no-store').send({ events: rows.map(e => eventRow(e, ctx)) })
  })
}

function filtersOf (q: FilterQuery): EventFilters {
  return {
    server: q.server === '' ? undefined : q.server,
    kind: q.kind === undefined || q.kind.trim() === '' ? undefined : q.kind.trim(),
    level: q.level === '' ? undefined : q.level,
    period: q.period ?? 'all'
  }
}

function queryOf (f: EventFilters, now: number): Omit<EventQuery, 'beforeId'> {
  const span = periodMs[f.period]
  return { server: f.server, kind: f.kind, level: f.level, sinceMs: span === null ? undefined : now - span }
}
