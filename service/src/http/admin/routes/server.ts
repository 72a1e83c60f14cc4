import type { FastifyInstance } from 'fastify'
import { HallError } from '../../../errors.js'
import { contextOf, sendHtml } from '../page-context.js'
import type { AdminPageDeps } from '../pages.js'
import { DAY_MS, renderServerPage } from '../views/server.js'

/** Recent wakes and shutdowns listed on a server's page. */
export const RECENT_ROWS = 20
/** Boot times are taken from this far back. */
export const BOOT_WINDOW_MS = 30 * DAY_MS
export const WAKE_DAYS = 7

const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 63 } } } as const

/** `/admin/servers/:name`: its history, from the store (a handful of indexed, LIMITed reads). */
export function serverRoutes (app: FastifyInstance, deps: AdminPageDeps): void {
  const { fleet, db, clock } = deps
  app.get<{ Params: { name: string } }>('/servers/:name', {
    schema: { params: nameParams, response: { 200: { type: 'string' } } }
  }, async (req, reply) => {
    const name = req.params.name
    if (!fleet.config().servers.has(name)) throw new HallError('HALL_ERR_SERVER_UNKNOWN', `Hall has no server named "${name}"`)
    const ctx = contextOf(req, reply, clock)
    const now = ctx.nowMs
    return sendHtml(reply, renderServerPage({
      server: name,
      state: fleet.supervisor(name)?.state().phase ?? 'UNKNOWN',
      nowMs: now,
      day: db.timeline(name, now - DAY_MS, now),
      week: db.timeline(name, now - 7 * DAY_MS, now),
      wakesPerDay: db.wakesPerDay(name, WAKE_DAYS, now, ctx.timeZone),
      boots: db.bootTimes(name, now - BOOT_WINDOW_MS),
      wakes: db.recentWakes(name, RECENT_ROWS),
      shutdowns: db.recentShutdowns(name, RECENT_ROWS)
    }, ctx))
  })
}
