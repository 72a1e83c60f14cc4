import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from '../clock.js'
import { httpStatusOf } from '../errors.js'
import { errorBody } from './error-answer.js'

/** Requests one client may make at once: a waiting page with its assets and stream, many times over. */
export const REQUEST_BURST = 60
/** Then this many a second: a waiting page polls once a second, a monitor every few seconds. */
export const REQUESTS_PER_SECOND = 10
/** Clients remembered at most: a few MB at worst, whoever sends what. */
export const MAX_CLIENTS = 10_000

export interface RequestLimiter {
  /** Counts one request from `client` and returns 0, or, when its budget is spent, the ms until it may ask again (not counted). */
  take (client: string): number
}

export interface RequestLimiterOptions {
  readonly clock: Clock
  readonly burst?: number
  readonly perSecond?: number
  readonly maxClients?: number
}

/**
 * A token bucket per client address, in memory. The map is bounded: past `maxClients`, the client
 * seen least recently is forgotten, and starts again with a full budget if it comes back, which is
 * what it would have had anyway unless it was seen within the last burst / perSecond seconds.
 */
export function createRequestLimiter ({ clock, burst = REQUEST_BURST, perSecond = REQUESTS_PER_SECOND, maxClients = MAX_CLIENTS }: RequestLimiterOptions): RequestLimiter {
  const perMs = perSecond / 1000
  // the Map's order is least recently seen first: each take() moves its client to the end
  const buckets = new Map<string, { tokens: number, at: number }>()
  return {
    take (client) {
      const now = clock.now()
      const bucket = buckets.get(client)
      const tokens = bucket === undefined ? burst : Math.min(burst, bucket.tokens + (now - bucket.at) * perMs)
      buckets.delete(client)
      if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value!)
      if (tokens < 1) {
        buckets.set(client, { tokens, at: now })
        return Math.ceil((1 - tokens) / perMs)
      }
      buckets.set(client, { tokens: tokens - 1, at: now })
      return 0
    }
  }
}

/**
 * An onRequest hook answering 429 with Retry-After to a client past its budget. The client is
 * `req.ip`: the right-most X-Forwarded-For entry a trusted proxy vouches for, else the TCP peer,
 * so a client rotating X-Forwarded-For without a trusted proxy is still counted as itself.
 */
export type LimitHook = (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>

export function limitRequests (limiter: RequestLimiter): LimitHook {
  return async (req, reply) => {
    const waitMs = limiter.take(req.ip)
    if (waitMs === 0) return undefined
    // returning the reply tells Fastify it is answered: the route handler does not run
    return reply.code(httpStatusOf('HALL_ERR_HTTP_RATE_LIMITED')).header('retry-after', String(Math.ceil(waitMs / 1000))).send(errorBody('HALL_ERR_HTTP_RATE_LIMITED'))
  }
}
