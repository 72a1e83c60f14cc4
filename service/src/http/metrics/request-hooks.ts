import fp from 'fastify-plugin'
import type { HallMetrics } from './hall-metrics.js'

const WAITING_ROUTE = '/waiting/:domain'
const EVENTS_ROUTE = '/api/events/:domain'

/**
 * Waiting-page views and event-stream clients, seen from hooks on Hall's routes so the page and
 * stream routes stay unaware of metrics. fastify-plugin: the hooks must reach sibling plugins.
 */
export const metricsRequestHooks = fp<{ metrics: HallMetrics }>(async (app, { metrics }) => {
  app.addHook('onRequest', async (req, reply) => {
    // the stream route hijacks its reply: it is tracked from here, by its socket's close
    if (req.routeOptions.url === EVENTS_ROUTE) metrics.trackEventStream(reply.raw)
  })
  app.addHook('onResponse', async (req, reply) => {
    // a 200 only: an unknown domain (404) is the client's word, not a label to keep
    if (req.routeOptions.url === WAITING_ROUTE && reply.statusCode === 200) {
      metrics.noteWaitingPageView((req.params as { domain: string }).domain.toLowerCase())
    }
  })
})
