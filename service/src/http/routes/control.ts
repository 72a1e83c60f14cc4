import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { HallError, httpStatusOf } from '../../errors.js'
import type { Fleet, ShutdownTicket, WakeTicket } from '../../lifecycle/fleet.js'
import type { ApiKeyAction } from '../../store/index.js'
import type { ApiKeyAuth, Denial } from '../api-key-auth.js'
import { errorBody, errorBodySchema, sendError } from '../error-answer.js'

export interface ControlOptions { fleet: Fleet, auth: ApiKeyAuth }

/** Nothing is read from the body; this much is allowed so a client sending `{}` is not refused. */
const BODY_LIMIT_BYTES = 1024
const BODY_TOO_LARGE = `these endpoints take no body (at most ${BODY_LIMIT_BYTES} bytes)`

const serverParams = { type: 'object', required: ['server'], properties: { server: { type: 'string', maxLength: 63 } } } as const
const keyHeader = { type: 'object', properties: { 'x-api-key': { type: 'string' } } } as const
const id = { type: ['integer', 'null'] } as const
const ticketProperties = { server: { type: 'string' }, outcome: { type: 'string' }, state: { type: 'string' }, status_url: { type: 'string' } } as const
const refusedReply = {
  type: 'object',
  required: ['error', 'message', 'server', 'outcome', 'state'],
  properties: { ...errorBodySchema.properties, server: { type: 'string' }, outcome: { type: 'string' }, state: { type: 'string' } }
} as const

type Ticket = { outcome: string, id: number | null, phase: string, reason: string | null }
type ControlAction = Extract<ApiKeyAction, 'wake' | 'shutdown'>

const actions = {
  wake: {
    path: '/api/wol/:server',
    idField: 'wake_id',
    refused: 'HALL_ERR_WAKE_REFUSED',
    run: (fleet: Fleet, server: string): Ticket => fromWake(fleet.wakeNow(server, 'api'))
  },
  shutdown: {
    path: '/api/shutdown/:server',
    idField: 'shutdown_id',
    refused: 'HALL_ERR_SHUTDOWN_REFUSED',
    run: (fleet: Fleet, server: string): Ticket => fromShutdown(fleet.shutdownNow(server, 'api'))
  }
} as const

/**
 * `POST /api/wol/:server` and `POST /api/shutdown/:server`, behind an API key. They answer at
 * once (the wake or shutdown runs beside the request) and are idempotent: asking again while one
 * is under way returns that one's id. The key is checked before the server name, so names cannot
 * be probed without a key.
 */
export const controlRoutes: FastifyPluginAsync<ControlOptions> = async (app, { fleet, auth }) => {
  // no body is read: accept any content type (or none) and only enforce the size limit
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => done(null, undefined))
  // only says why in these endpoints' words; the app's error handler writes every answer
  app.setErrorHandler((err) => {
    if ((err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw new HallError('HALL_ERR_HTTP_BODY_TOO_LARGE', BODY_TOO_LARGE)
    throw err
  })

  for (const [action, a] of Object.entries(actions) as Array<[ControlAction, typeof actions[ControlAction]]>) {
    const ticketReply = { type: 'object', required: ['server', 'outcome', a.idField, 'state', 'status_url'], properties: { ...ticketProperties, [a.idField]: id } }
    app.post<{ Params: { server: string }, Headers: { 'x-api-key'?: string } }>(a.path, {
      bodyLimit: BODY_LIMIT_BYTES,
      schema: {
        params: serverParams,
        headers: keyHeader,
        response: { 200: ticketReply, 202: ticketReply, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: refusedReply, 413: errorBodySchema, 429: errorBodySchema }
      }
    }, async (req, reply) => {
      const server = req.params.server
      // the TCP peer, not req.ip: X-Forwarded-For is written by whoever the trusted proxy range covers
      const authResult = auth.check(req.socket.remoteAddress ?? '', req.headers['x-api-key'], server, action)
      if (!authResult.ok) return deny(reply, authResult.denial)
      const ticket = a.run(fleet, server)
      req.log.info({ server, key: authResult.key.name, action, outcome: ticket.outcome, id: ticket.id }, `manual ${action}`)
      reply.header('cache-control', 'no-store')
      if (ticket.outcome === 'refused') {
        return reply.code(httpStatusOf(a.refused)).send({ ...errorBody(a.refused, ticket.reason ?? undefined), server, outcome: ticket.outcome, state: ticket.phase })
      }
      const underWay = ticket.outcome === 'started' || ticket.outcome === 'in-flight'
      return reply.code(underWay ? 202 : 200).send({ server, outcome: ticket.outcome, [a.idField]: ticket.id, state: ticket.phase, status_url: statusUrl(fleet, server) })
    })
  }
}

function deny (reply: FastifyReply, d: Denial): FastifyReply {
  if (d.status === 401) reply.header('www-authenticate', 'X-API-Key')
  if (d.retryAfterSeconds !== null) reply.header('retry-after', String(d.retryAfterSeconds))
  return sendError(reply, d.error, d.message)
}

/** The status API is per domain: point at the server's first domain, or at the whole list. */
function statusUrl (fleet: Fleet, server: string): string {
  const hosts = [...fleet.config().domains.values()].filter(d => d.server === server).map(d => d.host).sort()
  return hosts[0] === undefined ? '/api/status' : `/api/status/${encodeURIComponent(hosts[0])}`
}

function fromWake (t: WakeTicket): Ticket {
  return { outcome: t.outcome, id: t.wakeId, phase: t.phase, reason: t.reason }
}

function fromShutdown (t: ShutdownTicket): Ticket {
  return { outcome: t.outcome, id: t.shutdownId, phase: t.phase, reason: t.reason }
}
