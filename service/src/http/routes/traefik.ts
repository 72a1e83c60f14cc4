import type { FastifyPluginAsync } from 'fastify'
import type { Fleet } from '../../lifecycle/fleet.js'
import { renderTraefik } from '../../traefik/render.js'

export interface TraefikOptions { fleet: Fleet, publicUrl: string }

const anyObject = { type: 'object', additionalProperties: true } as const

/**
 * Traefik's HTTP provider polls this (every 5 s by default). It accepts only a 200 and keeps its
 * last good config on anything else. Rendered on each call from the fleet's current config, so
 * a reload shows up on the next poll.
 */
export const traefikRoutes: FastifyPluginAsync<TraefikOptions> = async (app, { fleet, publicUrl }) => {
  app.get('/traefik/dynamic', {
    logLevel: 'warn', // one call per poll
    schema: { response: { 200: anyObject } }
  }, async (_req, reply) => {
    // serialised here, not by the response schema: the provider hashes the raw bytes, so the
    // key order must be the renderer's (sorted) on every call
    const body = JSON.stringify(renderTraefik(fleet.config(), publicUrl))
    return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body)
  })
}
