import type { FastifyInstance, FastifyRequest } from 'fastify'
import { HallError } from '../../../errors.js'
import { phases } from '../../../lifecycle/states.js'
import { fill, messages } from '../../i18n.js'
import { buildCards } from '../cards.js'
import { contextOf, field, requireAdmin, sendHtml, wantsJson } from '../page-context.js'
import type { AdminPageDeps } from '../pages.js'
import { renderConfirmPage } from '../views/confirm.js'
import { renderOverviewPage } from '../views/overview.js'
import { adminMessages, type AdminMessages } from '../views/strings.js'
import type { AdminContext } from '../views/context.js'

type Action = 'wake' | 'shutdown'
interface Outcome { readonly outcome: string, readonly id: number | null, readonly phase: string, readonly reason: string | null }

const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 63 } } } as const
const confirmBody = { type: 'object', properties: { confirm: { type: 'string', maxLength: 8 } } } as const
const doneQuery = {
  type: 'object',
  properties: { done: { type: 'string', enum: ['wake', 'shutdown'] }, outcome: { type: 'string', maxLength: 16 }, server: { type: 'string', maxLength: 63 }, state: { type: 'string', maxLength: 16 } }
} as const
const html = { type: 'string' } as const

/** `/admin/`, its JSON, and the manual wake and shutdown, through the same fleet calls as the API. */
export function overviewRoutes (app: FastifyInstance, deps: AdminPageDeps, startedAt: number): void {
  const { fleet, history, clock } = deps

  app.get<{ Querystring: { done?: Action, outcome?: string, server?: string, state?: string } }>('/', {
    schema: { querystring: doneQuery, response: { 200: html } }
  }, async (req, reply) => {
    const ctx = contextOf(req, reply, clock)
    const cards = buildCards(fleet, history, startedAt, ctx.nowMs)
    return sendHtml(reply, renderOverviewPage(cards, ctx, noticeOf(req.query, ctx, fleet.config().servers.has(req.query.server ?? ''))))
  })

  app.get('/api/servers', { logLevel: 'warn' }, async (_req, reply) => {
    const now = clock.now()
    return reply.header('cache-control', 'no-store').send({ now_ms: now, cards: buildCards(fleet, history, startedAt, now) })
  })

  for (const action of ['wake', 'shutdown'] as const) {
    app.post<{ Params: { name: string }, Body: { confirm?: string } }>(`/servers/:name/${action}`, {
      schema: { params: nameParams, body: confirmBody }
    }, async (req, reply) => {
      requireAdmin(req)
      const name = req.params.name
      if (!fleet.config().servers.has(name)) throw new HallError('HALL_ERR_SERVER_UNKNOWN', `Hall has no server named "${name}"`)
      const ctx = contextOf(req, reply, clock)
      const t = adminMessages[ctx.lang].card
      if (field(req.body, 'confirm') !== 'yes') {
        return sendHtml(reply, renderConfirmPage(ctx, {
          section: 'overview',
          question: fill(action === 'wake' ? t.confirmWake : t.confirmShutdown, { server: name }),
          action: `/admin/servers/${encodeURIComponent(name)}/${action}`,
          submit: fill(action === 'wake' ? t.wakeLabel : t.shutdownLabel, { server: name }),
          cancelHref: '/admin/'
        }))
      }
      const result = run(action, name)
      audit(req, action, name, result)
      if (wantsJson(req)) {
        return reply.header('cache-control', 'no-store').send({ server: name, action, ...result, message: outcomeText(adminMessages[ctx.lang], ctx, action, name, result) })
      }
      // after the POST, a GET: reloading the overview does not send the wake again
      const query = new URLSearchParams({ done: action, outcome: result.outcome, server: name, state: result.phase })
      return reply.code(303).header('location', `/admin/?${query.toString()}#server-${encodeURIComponent(name)}`).send()
    })
  }

  function run (action: Action, name: string): Outcome {
    if (action === 'wake') {
      const w = fleet.wakeNow(name, 'api')
      return { outcome: w.outcome, id: w.wakeId, phase: w.phase, reason: w.reason }
    }
    const s = fleet.shutdownNow(name, 'api')
    return { outcome: s.outcome, id: s.shutdownId, phase: s.phase, reason: s.reason }
  }

  function audit (req: FastifyRequest, action: Action, server: string, r: Outcome): void {
    const kind = `admin-${action}${r.outcome === 'refused' ? '-refused' : ''}`
    const what = action === 'wake' ? 'wake' : 'shutdown'
    const message = `${req.account?.name ?? '?'} asked for a ${what} of ${server}: ${r.outcome}${r.reason === null ? '' : ` (${r.reason})`}`
    // the row's id only for a wake or shutdown this request started: the audit names the account on
    // that row, and one already under way was asked for by someone (or something) else
    const started = r.id !== null && r.outcome === 'started'
    const row = started ? (action === 'wake' ? { wakeId: r.id } : { shutdownId: r.id }) : { [action === 'wake' ? 'underWayWakeId' : 'underWayShutdownId']: r.id }
    deps.audit(kind, message, req, { server, outcome: r.outcome, state: r.phase, ...row })
  }
}

/** The sentence for what a wake or shutdown did; `state` is a phase, named in the page's language. */
function outcomeText (t: AdminMessages, ctx: Pick<AdminContext, 'lang'>, action: Action, server: string, r: { outcome: string, phase: string }): string {
  const table: Record<string, string> = t.outcome[action]
  const template = table[r.outcome] ?? r.outcome
  return fill(template, { server, state: messages[ctx.lang].badge[r.phase as 'UNKNOWN'] ?? r.phase })
}

/**
 * The overview's notice after a redirect: built from checked words only (a known action, outcome,
 * server and phase), so a crafted link cannot make the page say anything else.
 */
function noticeOf (q: { done?: Action, outcome?: string, server?: string, state?: string }, ctx: AdminContext, knownServer: boolean): string | null {
  if (!knownServer || q.done === undefined || q.outcome === undefined || q.server === undefined || q.state === undefined) return null
  const t = adminMessages[ctx.lang]
  if (!Object.hasOwn(t.outcome[q.done], q.outcome) || !(phases as readonly string[]).includes(q.state)) return null
  return outcomeText(t, ctx, q.done, q.server, { outcome: q.outcome, phase: q.state })
}
