import type { ServerResponse } from 'node:http'
import type { FastifyPluginAsync } from 'fastify'
import type { Clock, Timer } from '../../clock.js'
import { errorReplySchema } from '../../contract/error-reply.js'
import { toResponseSchema } from '../../contract/json-schema.js'
import type { DomainStatus } from '../../contract/status.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { LimitHook } from '../rate-limit.js'
import { statusOfDomain, type PowerHistory } from '../status-view.js'
import { sendError } from '../error-answer.js'

export interface EventOptions {
  fleet: Fleet
  history: PowerHistory
  /** `since` for a server without a supervisor yet. */
  startedAt: number
  /** Time for the status, and the heartbeat and refresh timers. */
  clock: Clock
  /** Counts each stream opened against its client's request budget. */
  limit: LimitHook
  /** Open streams across all domains; one more gets 503. */
  maxClients?: number
  heartbeatMs?: number
  refreshMs?: number
}

export const MAX_EVENT_CLIENTS = 200
/** Open streams from one client address: one browser cannot take every stream. */
export const MAX_EVENT_CLIENTS_PER_ADDRESS = 10
/** Proxies close a response that stays silent too long (nginx: 60 s by default). */
export const HEARTBEAT_MS = 15_000
/** Probe details (booting vs starting its application) change without a state change: look again this often. */
export const REFRESH_MS = 1000
/** EventSource reconnects after this long when the stream drops. */
const RETRY_MS = 1000
/** A client this far behind is not reading: drop it rather than buffer for it. */
const MAX_BUFFERED_BYTES = 64 * 1024

const domainParams = { type: 'object', required: ['domain'], properties: { domain: { type: 'string', maxLength: 253 } } } as const
const errorReply = toResponseSchema(errorReplySchema)

/** The clients watching one domain, behind one fleet subscription. */
interface Channel {
  readonly domain: string
  readonly clients: Set<ServerResponse>
  readonly unsubscribe: () => void
  lastKey: string
  queued: boolean
}

/**
 * GET /api/events/:domain: Server-Sent Events for the waiting page. The full status at once,
 * then again whenever it changes; a comment line as heartbeat.
 */
export const eventRoutes: FastifyPluginAsync<EventOptions> = async (app, opts) => {
  const { fleet, history, startedAt, clock } = opts
  app.addHook('onRequest', opts.limit)
  const maxClients = opts.maxClients ?? MAX_EVENT_CLIENTS
  const channels = new Map<string, Channel>()
  let clientCount = 0
  const perAddress = new Map<string, number>()
  // stop functions of the two repeating timers, set while any stream is open
  let stopTimers: (() => void) | null = null

  const statusOf = (domain: string): DomainStatus | null => statusOfDomain(fleet, history, domain, startedAt, clock.now())

  function send (res: ServerResponse, chunk: string): void {
    if (res.writableLength > MAX_BUFFERED_BYTES) { res.destroy(); return }
    res.write(chunk)
  }

  function broadcast (channel: Channel): void {
    const status = statusOf(channel.domain)
    // the domain left the config (hot reload): the page's reconnect gets the 404
    if (status === null) { for (const res of channel.clients) res.end(); return }
    const key = changeKey(status)
    if (key === channel.lastKey) return
    channel.lastKey = key
    const event = statusEvent(status)
    for (const res of channel.clients) send(res, event)
  }

  // Deferred: the fleet notifies before the supervisor records the step (a wake's failure or
  // running time), and a burst of changes in one tick is sent once.
  function queue (channel: Channel): void {
    if (channel.queued) return
    channel.queued = true
    setImmediate(() => { channel.queued = false; if (channels.get(channel.domain) === channel) broadcast(channel) })
  }

  function channelOf (domain: string, status: DomainStatus): Channel {
    const existing = channels.get(domain)
    if (existing !== undefined) return existing
    const channel: Channel = {
      domain,
      clients: new Set(),
      // one subscription per watched domain, however many pages watch it
      unsubscribe: fleet.subscribe((server) => {
        if (fleet.lookup(domain)?.server.name === server) queue(channel)
      }),
      lastKey: changeKey(status),
      queued: false
    }
    channels.set(domain, channel)
    return channel
  }

  function join (domain: string, res: ServerResponse, status: DomainStatus, address: string): void {
    const channel = channelOf(domain, status)
    channel.clients.add(res)
    clientCount++
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1)
    res.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1
      if (left === 0) perAddress.delete(address)
      else perAddress.set(address, left)
    })
    if (stopTimers === null) {
      const stopHeartbeat = every(clock, opts.heartbeatMs ?? HEARTBEAT_MS, () => { for (const c of channels.values()) for (const r of c.clients) send(r, ': keep-alive\n\n') })
      const stopRefresh = every(clock, opts.refreshMs ?? REFRESH_MS, () => { for (const c of channels.values()) queue(c) })
      stopTimers = () => { stopHeartbeat(); stopRefresh() }
    }
    res.once('close', () => leave(channel, res))
  }

  function leave (channel: Channel, res: ServerResponse): void {
    if (!channel.clients.delete(res)) return
    clientCount--
    if (channel.clients.size === 0) {
      channel.unsubscribe()
      channels.delete(channel.domain)
    }
    if (clientCount === 0) {
      stopTimers?.()
      stopTimers = null
    }
  }

  // Open streams would hold app.close() (and the process) forever: end them first.
  app.addHook('preClose', async () => {
    for (const channel of [...channels.values()]) {
      for (const res of [...channel.clients]) {
        res.end()
        leave(channel, res)
      }
    }
  })

  app.get<{ Params: { domain: string } }>('/api/events/:domain', {
    logLevel: 'warn', // one per waiting page
    schema: { params: domainParams, response: { 200: { type: 'string' }, 400: errorReply, 404: errorReply, 429: errorReply, 500: errorReply, 503: errorReply } }
  }, async (req, reply) => {
    const domain = req.params.domain.toLowerCase()
    const status = statusOf(domain)
    reply.header('cache-control', 'no-store')
    if (status === null) return await sendError(reply, 'HALL_ERR_DOMAIN_UNKNOWN', `Hall does not serve ${req.params.domain}`)
    // req.ip is the browser's address when the stream came through a trusted proxy
    if (clientCount >= maxClients || (perAddress.get(req.ip) ?? 0) >= MAX_EVENT_CLIENTS_PER_ADDRESS) {
      // the page falls back to polling /api/status when its stream is refused
      return await reply.code(503).header('retry-after', '5').send({ error: 'HALL_ERR_HTTP_TOO_MANY_STREAMS', message: 'too many open event streams; poll /api/status instead' })
    }
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no', // nginx would otherwise hold events back in its buffer
      'x-content-type-options': 'nosniff'
    })
    res.on('error', () => res.destroy()) // a client gone mid-write is not Hall's error
    res.write(`retry: ${RETRY_MS}\n\n${statusEvent(status)}`)
    join(domain, res, status, req.ip)
  })
}

/**
 * Calls `fn` every `ms` on the injected clock, which offers one-shot timers only: a fake clock in
 * tests then drives heartbeats and refreshes too. Returns the function that stops it.
 */
function every (clock: Clock, ms: number, fn: () => void): () => void {
  let timer: Timer
  const arm = (): void => {
    timer = clock.setTimeout(() => { arm(); fn() }, ms)
    timer.unref?.() // open streams alone must not keep the process alive
  }
  arm()
  return () => clock.clearTimeout(timer)
}

function statusEvent (status: DomainStatus): string {
  // JSON.stringify never emits a raw newline, so one data line carries the whole object
  return `event: status\ndata: ${JSON.stringify(status)}\n\n`
}

// The last probe's timings change on every probe; what a watcher cares about does not.
function changeKey (status: DomainStatus): string {
  return JSON.stringify({ ...status, last_probe: null })
}
