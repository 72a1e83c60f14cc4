import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isHallError } from '../../../errors.js'
import { apiKeyActions, parseApiKeyScopes } from '../../../store/index.js'
import { isBusy } from '../../../store/write-queue.js'
import { fill } from '../../i18n.js'
import { contextOf, field, requireAdmin, sendHtml } from '../page-context.js'
import type { AdminPageDeps } from '../pages.js'
import { renderConfirmPage } from '../views/confirm.js'
import { renderKeysPage, type KeysModel } from '../views/keys.js'
import { adminMessages } from '../views/strings.js'

const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 64 } } } as const
const createBody = {
  type: 'object',
  properties: { name: { type: 'string', maxLength: 64 }, servers: { type: 'string', maxLength: 1000 }, action_wake: { type: 'string', maxLength: 8 }, action_shutdown: { type: 'string', maxLength: 8 }, action_projects: { type: 'string', maxLength: 8 } }
} as const
const confirmBody = { type: 'object', properties: { confirm: { type: 'string', maxLength: 8 } } } as const
const revokedQuery = { type: 'object', properties: { revoked: { type: 'string', maxLength: 64 } } } as const
const html = { type: 'string' } as const

/**
 * `/admin/keys`: the same store and rules as `hall apikey`. Creating and revoking write at once,
 * not through the write queue (the page shows the result): while another process (the CLI) holds
 * the database lock the write fails at once, and the page says so (503) instead of a 500.
 */
export function keyRoutes (app: FastifyInstance, deps: AdminPageDeps): void {
  const { apiKeys, clock } = deps

  function page (req: FastifyRequest, reply: FastifyReply, model: Omit<KeysModel, 'keys'>, status = 200): FastifyReply {
    const ctx = contextOf(req, reply, clock)
    return sendHtml(reply, renderKeysPage({ ...model, keys: apiKeys.list() }, ctx), status)
  }

  app.get<{ Querystring: { revoked?: string } }>('/keys', { schema: { querystring: revokedQuery, response: { 200: html } } }, async (req, reply) => {
    const lang = contextOf(req, reply, clock).lang
    const revoked = req.query.revoked
    // said only of a key that is revoked indeed: a crafted link cannot make the page claim anything else
    const known = revoked !== undefined && apiKeys.list().some(k => k.name === revoked && k.revokedAt !== null)
    return page(req, reply, { notice: known ? fill(adminMessages[lang].keys.revoked, { name: revoked }) : null })
  })

  app.post<{ Body: Record<string, unknown> }>('/keys', { schema: { body: createBody } }, async (req, reply) => {
    requireAdmin(req)
    const name = field(req.body, 'name').trim()
    const servers = field(req.body, 'servers').trim()
    const actions = apiKeyActions.filter(a => field(req.body, `action_${a}`) !== '')
    const form = { name, servers, actions }
    try {
      // every box or none: every action, as `hall apikey create` without --actions
      const scopes = parseApiKeyScopes(servers === '' ? undefined : servers, actions.length === 0 || actions.length === apiKeyActions.length ? undefined : actions.join(','))
      const { key, record } = apiKeys.create({ name, ...scopes, now: clock.now() })
      deps.audit('api-key-created', `${req.account?.name ?? '?'} created the API key ${record.name} (${record.prefix})`, req, { key: record.name, prefix: record.prefix, servers: record.servers, actions: record.actions })
      return page(req, reply, { created: { name: record.name, key } })
    } catch (err) {
      const lang = contextOf(req, reply, clock).lang
      if (isBusy(err)) return page(req, reply, { form, problem: adminMessages[lang].keys.busy }, 503)
      const problem = problemOf(err, adminMessages[lang].keys.errors)
      if (problem === null) throw err
      return page(req, reply, { form, problem }, isHallError(err, 'HALL_ERR_API_KEY_NAME_TAKEN') ? 409 : 400)
    }
  })

  app.post<{ Params: { name: string }, Body: { confirm?: string } }>('/keys/:name/revoke', { schema: { params: nameParams, body: confirmBody } }, async (req, reply) => {
    requireAdmin(req)
    const name = req.params.name
    const ctx = contextOf(req, reply, clock)
    const t = adminMessages[ctx.lang].keys
    const key = apiKeys.list().find(k => k.name === name)
    if (key === undefined) return page(req, reply, { problem: t.errors.HALL_ERR_API_KEY_UNKNOWN }, 404)
    if (field(req.body, 'confirm') !== 'yes') {
      return sendHtml(reply, renderConfirmPage(ctx, {
        section: 'keys',
        question: fill(t.confirmRevoke, { name }),
        action: `/admin/keys/${encodeURIComponent(name)}/revoke`,
        submit: fill(t.revokeLabel, { name }),
        cancelHref: '/admin/keys'
      }))
    }
    try {
      apiKeys.revoke(name, clock.now())
    } catch (err) {
      if (!isBusy(err)) throw err
      return page(req, reply, { problem: t.busy }, 503)
    }
    deps.audit('api-key-revoked', `${req.account?.name ?? '?'} revoked the API key ${name} (${key.prefix})`, req, { key: name, prefix: key.prefix })
    return reply.code(303).header('location', `/admin/keys?revoked=${encodeURIComponent(name)}`).send()
  })
}

/** A refusal the person can fix, in their language; null for anything else (a bug: the error handler's 500). */
export function problemOf (err: unknown, table: Readonly<Record<string, string>>): string | null {
  if (!isHallError(err)) return null
  return Object.hasOwn(table, err.code) ? table[err.code]! : null
}
