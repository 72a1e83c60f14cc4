import type { FastifyPluginAsync } from 'fastify'
import type { Fleet } from '../../lifecycle/fleet.js'
import { isServing } from '../../lifecycle/states.js'
import { sendError } from '../error-answer.js'
import { safeReturnUrl } from '../forward-auth/return-url.js'
import type { LimitHook } from '../rate-limit.js'

export interface RedirectOptions { fleet: Fleet, publicUrl: string, limit: LimitHook }

const domainParams = { type: 'object', required: ['domain'], properties: { domain: { type: 'string', maxLength: 253 } } } as const
// `to` is checked by safeReturnUrl, which falls back to the domain's root instead of refusing
const toQuery = { type: 'object', properties: { to: { type: 'string' } } } as const

/**
 * `GET /api/redirect/:domain?to=` (the original deployment's route): a 302 to `to` once the
 * domain's server is serving, otherwise to the waiting page. `to` is held to the waiting page's
 * rule (an http(s) URL on that same domain, return-url.ts): never an open redirect. The waiting
 * page's no-JavaScript refresh comes here. It never wakes anything: the proxy's request did.
 */
export const redirectRoutes: FastifyPluginAsync<RedirectOptions> = async (app, { fleet, publicUrl, limit }) => {
  app.addHook('onRequest', limit)
  app.get<{ Params: { domain: string }, Querystring: { to?: string } }>('/api/redirect/:domain', {
    schema: { params: domainParams, querystring: toQuery }
  }, async (req, reply) => {
    const domain = req.params.domain.toLowerCase()
    const view = fleet.lookup(domain)
    if (view === undefined) return await sendError(reply, 'HALL_ERR_DOMAIN_UNKNOWN', `Hall does not serve ${domain}`)
    const safe = safeReturnUrl(domain, req.query.to)
    // a header carries ASCII only: "https://app.example/café" goes out percent-encoded, as the browser would send it
    const to = /^[\x21-\x7e]*$/.test(safe) ? safe : new URL(safe).href
    reply.header('cache-control', 'no-store')
    if (isServing(view.phase)) return await reply.redirect(to, 302)
    return await reply.redirect(`${publicUrl}/waiting/${encodeURIComponent(domain)}?to=${encodeURIComponent(to)}`, 302)
  })
}
