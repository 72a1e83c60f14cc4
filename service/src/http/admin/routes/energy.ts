import type { FastifyInstance } from 'fastify'
import { resolvePeriod, type PeriodName } from '../../../energy/period.js'
import { contextOf, sendHtml } from '../page-context.js'
import type { AdminPageDeps } from '../pages.js'
import { energyPeriods, renderEnergyPage } from '../views/energy.js'

const energyQuery = { type: 'object', properties: { period: { type: 'string', enum: energyPeriods } } } as const

/** `/admin/energy?period=today|7d|30d`: the report of GET /api/energy, as charts over tables. */
export function energyPageRoutes (app: FastifyInstance, deps: AdminPageDeps): void {
  app.get<{ Querystring: { period?: PeriodName } }>('/energy', {
    schema: { querystring: energyQuery, response: { 200: { type: 'string' } } }
  }, async (req, reply) => {
    const ctx = contextOf(req, reply, deps.clock)
    const name = req.query.period ?? '7d'
    // a named period always resolves (it ends now); the string branch is for from/to, not offered here
    const period = resolvePeriod({ period: name }, ctx.nowMs, ctx.timeZone)
    if (typeof period === 'string') throw new Error(period)
    return sendHtml(reply, renderEnergyPage(deps.energyReport(period, ctx.nowMs, ctx.timeZone), name, ctx))
  })
}
