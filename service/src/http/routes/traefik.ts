import type { FastifyPluginAsync } from 'fastify'
import type { Cidr } from '../../config/cidr.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import { renderTraefik } from '../../traefik/render.js'
import { sendError } from '../error-answer.js'
import type { ProxyTrust } from '../trusted-proxies.js'
import type { ProjectSpec } from '../../projects/types.js'

/** `adminAllow`: HALL_ADMIN_ALLOW, for the /admin router's ipAllowList. */
export interface TraefikOptions {
  fleet: Fleet
  publicUrl: string
  proxies: ProxyTrust
  adminAllow?: readonly Cidr[]
  /** The client projects, in memory: each gets its router. */
  projects?: () => readonly ProjectSpec[]
}

const anyObject = { type: 'object', additionalProperties: true } as const

/**
 * Traefik's HTTP provider polls this (every 5 s by default). It accepts only a 200 and keeps its
 * last good config on anything else. Rendered on each call from the fleet's current config, so
 * a reload shows up on the next poll.
 */
export const traefikRoutes: FastifyPluginAsync<TraefikOptions> = async (app, { fleet, publicUrl, proxies, adminAllow, projects }) => {
  app.get('/traefik/dynamic', {
    logLevel: 'warn', // one call per poll
    schema: { response: { 200: anyObject, 403: anyObject } }
  }, async (req, reply) => {
    // it lists every upstream's LAN address: only the proxy itself may read it
    if (!proxies.trusts(req.socket.remoteAddress)) {
      return await sendError(reply, 'HALL_ERR_UNTRUSTED_PROXY', 'the Traefik configuration is served only to the proxies in HALL_TRUSTED_PROXIES')
    }
    // serialised here, not by the response schema: the provider hashes the raw bytes, so the
    // key order must be the renderer's (sorted) on every call
    const body = JSON.stringify(renderTraefik(fleet.config(), publicUrl, adminAllow, projects?.() ?? []))
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body)
  })
}
