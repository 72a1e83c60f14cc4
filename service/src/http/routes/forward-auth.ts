import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { Fleet } from '../../lifecycle/fleet.js'
import { decide, type Decision } from '../forward-auth/decide.js'
import { readForwarded } from '../forward-auth/forwarded.js'

export interface ForwardAuthOptions { fleet: Fleet, publicUrl: string }

const errorBody = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const
const unavailableBody = {
  type: 'object',
  properties: { domain: { type: 'string' }, state: { type: 'string' }, retry_after_seconds: { type: 'integer' } }
} as const

/**
 * Traefik's forwardAuth target, called on every proxied request. Answers from memory only:
 * the wake, the activity write and every log line happen beside this path.
 */
export const forwardAuthRoutes: FastifyPluginAsync<ForwardAuthOptions> = async (app, { fleet, publicUrl }) => {
  app.get('/forward-auth', {
    logLevel: 'warn',
    schema: { response: { 302: { type: 'null' }, 404: errorBody, 503: unavailableBody } }
  }, async (req, reply) => {
    const forwarded = readForwarded(req.headers)
    const view = forwarded.host === null ? undefined : fleet.lookup(forwarded.host)
    const decision = decide(view, forwarded, publicUrl)
    if (view !== undefined) {
      fleet.noteActivity(view.domain.host)
      if ('wake' in decision && decision.wake) fleet.requestWake(view.server.name, 'request')
    }
    return send(reply.header('cache-control', 'no-store'), decision)
  })
}

function send (reply: FastifyReply, d: Decision): FastifyReply {
  switch (d.kind) {
    case 'pass':
      return reply.code(200).send()
    case 'redirect':
      return reply.code(302).header('location', d.location).send()
    case 'unavailable':
      return reply.code(503).header('retry-after', String(d.retryAfterSeconds))
        .send({ domain: d.domain, state: d.state, retry_after_seconds: d.retryAfterSeconds })
    case 'no-host':
      return reply.code(404).send({ error: 'HALL_ERR_FORWARDED_HOST_MISSING', message: 'X-Forwarded-Host is missing or not a host name' })
    case 'unknown-domain':
      return reply.code(404).send({ error: 'HALL_ERR_DOMAIN_UNKNOWN', message: `Hall does not serve ${d.host}` })
    default: {
      const never: never = d
      return never
    }
  }
}
