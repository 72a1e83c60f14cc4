import { readFileSync } from 'node:fs'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { Clock } from '../../clock.js'
import { errorReplySchema } from '../../contract/error-reply.js'
import { toResponseSchema } from '../../contract/json-schema.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import { sendError } from '../error-answer.js'
import { safeReturnUrl } from '../forward-auth/return-url.js'
import { negotiateLanguage, type Lang } from '../i18n.js'
import type { LimitHook } from '../rate-limit.js'
import { currentActivity, currentFailure, expectedBootMs, type PowerHistory } from '../status-view.js'
import { renderHomePage } from '../views/home.js'
import { renderNotFoundPage } from '../views/not-found.js'
import { renderWaitingPage } from '../views/waiting.js'

export interface PageOptions { fleet: Fleet, history: PowerHistory, clock: Clock, limit: LimitHook }

const script = (file: string): [string, { type: string, body: Buffer }] =>
  [file, { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL(`../public/${file}`, import.meta.url)) }]
// waiting.js is a module that imports waiting-display.js: browsers refuse a module of another type
const assets = new Map([
  script('waiting.js'),
  script('waiting-display.js'),
  ['hall.css', { type: 'text/css; charset=utf-8', body: readFileSync(new URL('../public/hall.css', import.meta.url)) }]
])
const assetParams = { type: 'object', required: ['file'], properties: { file: { type: 'string', maxLength: 64 } } } as const

const domainParams = { type: 'object', required: ['domain'], properties: { domain: { type: 'string', maxLength: 253 } } } as const
// `to` is checked by safeReturnUrl, which falls back instead of refusing: no length limit here
const waitingQuery = { type: 'object', properties: { to: { type: 'string' } } } as const
const html = { type: 'string' } as const
const errorReply = toResponseSchema(errorReplySchema)

export const pageRoutes: FastifyPluginAsync<PageOptions> = async (app, { fleet, history, clock, limit }) => {
  app.addHook('onRequest', limit)
  app.get<{ Params: { domain: string }, Querystring: { to?: string } }>('/waiting/:domain', {
    schema: { params: domainParams, querystring: waitingQuery, response: { 200: html, 404: html, 429: errorReply } }
  }, async (req, reply) => {
    const domain = req.params.domain.toLowerCase()
    const lang = speakTheirLanguage(req.headers['accept-language'], reply)
    const view = fleet.lookup(domain)
    if (view === undefined) return page(reply.code(404), renderNotFoundPage(req.params.domain, lang))
    const supervisor = fleet.supervisor(view.server.name)
    const since = supervisor?.state().since ?? clock.now()
    const wake = history.latest(view.server.name)
    return page(reply, renderWaitingPage({
      lang,
      domain,
      to: safeReturnUrl(domain, req.query.to),
      statusUrl: `/api/status/${encodeURIComponent(domain)}`,
      eventsUrl: `/api/events/${encodeURIComponent(domain)}`,
      state: view.phase,
      activity: currentActivity(view.phase, supervisor?.lastProbe() ?? null),
      sinceMs: since,
      nowMs: clock.now(),
      wakeRequestedAtMs: wake?.outcome === 'pending' ? wake.requestedAt : null,
      expectedBootMs: expectedBootMs(history, view.server.name),
      failure: currentFailure(view.phase, since, wake)
    }))
  })

  app.get('/', { schema: { response: { 200: html, 429: errorReply } } }, async (req, reply) => {
    const lang = speakTheirLanguage(req.headers['accept-language'], reply)
    const services = [...fleet.config().domains.values()].filter(d => d.listed).map(d => ({
      domain: d.host, state: fleet.lookup(d.host)?.phase ?? 'UNKNOWN', url: d.publicUrl ?? `https://${d.host}/`
    }))
    return page(reply, renderHomePage(services, lang))
  })

  app.get<{ Params: { file: string } }>('/assets/:file', { logLevel: 'warn', schema: { params: assetParams } }, async (req, reply) => {
    const asset = assets.get(req.params.file)
    if (asset === undefined) return sendError(reply, 'HALL_ERR_HTTP_NOT_FOUND', 'no such asset')
    return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body)
  })
}

/** The page's language from Accept-Language, announced in the answer's headers. */
function speakTheirLanguage (acceptLanguage: string | undefined, reply: FastifyReply): Lang {
  const lang = negotiateLanguage(acceptLanguage)
  // the same URL answers in either language: caches must key on the header
  reply.header('vary', 'accept-language').header('content-language', lang)
  return lang
}

function page (reply: FastifyReply, body: string): FastifyReply {
  // the Content-Security-Policy and the other security headers: security-headers.ts, for every page
  return reply.type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body)
}
