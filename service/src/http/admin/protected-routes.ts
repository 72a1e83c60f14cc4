import type { FastifyPluginAsync } from 'fastify'
import { sendError } from '../error-answer.js'
import { negotiateLanguage } from '../i18n.js'
import type { AdminContext } from './admin-routes.js'
import { renderNoAccountPage } from './login-view.js'
import { createHistoryReader } from '../../store/history.js'
import { collectEnergyReport } from '../../energy/collect.js'
import { adminPageRoutes } from './pages.js'
import type { AccountDirectory } from './session-types.js'

const noPrice = { pricePerKwh: null, currency: 'EUR', gatewayWatts: 0 }

export interface ProtectedOptions { ctx: AdminContext, directory: AccountDirectory }

/**
 * The admin's pages, for logged-in accounts only: a browser without a session is sent to the
 * login form (or, while no account exists, told which command makes the first one); a script
 * gets 401. By the time a page's handler runs, req.account is set, the client is on the
 * allow-list, and a POST has passed the CSRF check.
 */
export const protectedRoutes: FastifyPluginAsync<ProtectedOptions> = async (app, { ctx, directory }) => {
  const { opts } = ctx
  app.addHook('onRequest', async (req, reply) => {
    if (req.account !== null) return
    if (req.method !== 'GET' && req.method !== 'HEAD') return await sendError(reply, 'HALL_ERR_ADMIN_LOGIN_REQUIRED')
    if (opts.store.accounts.count() === 0) {
      return await reply.type('text/html; charset=utf-8').send(renderNoAccountPage(negotiateLanguage(req.headers['accept-language'])))
    }
    return await reply.redirect(`/admin/login?next=${encodeURIComponent(req.url)}`, 303)
  })
  app.register(adminPageRoutes, {
    fleet: opts.fleet,
    history: opts.history,
    db: createHistoryReader(opts.store.db),
    apiKeys: opts.store.apiKeys,
    accounts: directory,
    clock: opts.clock,
    audit: ctx.audit,
    sessions: { idHashOf: req => ctx.requestSessions.get(req)?.idHash ?? null, isLive: idHash => ctx.sessions.isLive(idHash) },
    askingSession: req => ctx.requestSessions.get(req) ?? null,
    energyReport: (period, now, timeZone) => collectEnergyReport(opts.store, opts.fleet.config(), opts.energy ?? noPrice, period, now, timeZone),
    projects: opts.projects
  })
}
