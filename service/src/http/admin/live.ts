import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { Clock, Timer } from '../../clock.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { PowerHistory } from '../status-view.js'
import { buildCards, type CardJson } from './cards.js'

export interface LiveCardsOptions {
  readonly fleet: Fleet
  readonly history: PowerHistory
  readonly clock: Clock
  readonly startedAt: number
  readonly maxClients?: number
  readonly refreshMs?: number
  readonly heartbeatMs?: number
}

/** A handful of people run Hall: more admin streams than this at once is a tab left open in a loop. */
export const MAX_ADMIN_STREAMS = 20
/** A wake's steps and an idle countdown's restarts change no phase: look again this often. */
export const ADMIN_REFRESH_MS = 1000
/** Proxies close a response that stays silent too long. */
export const ADMIN_HEARTBEAT_MS = 15_000
/** A client this far behind is not reading: drop it rather than buffer for it. */
const MAX_BUFFERED_BYTES = 256 * 1024

/**
 * GET /admin/api/stream: every card at once (`event: cards`), then a card again whenever it
 * changes (`event: card`), built from memory. One fleet subscription and one timer for all
 * the streams; none while no page is open.
 */
export function liveCardRoutes (app: FastifyInstance, opts: LiveCardsOptions): void {
  const { fleet, history, clock, startedAt } = opts
  const clients = new Set<ServerResponse>()
  const lastSent = new Map<string, string>()
  let stop: (() => void) | null = null
  let queued = false

  const cards = (): CardJson[] => buildCards(fleet, history, startedAt, clock.now())

  function send (chunk: string): void {
    for (const res of clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy()
      else res.write(chunk)
    }
  }

  /** Sends the cards that changed since last sent; the whole list when servers came or went (a reload). */
  function broadcast (): void {
    const now = clock.now()
    const all = cards()
    const sameServers = all.length === lastSent.size && all.every(c => lastSent.has(c.server))
    if (!sameServers) {
      remember(all)
      send(message('cards', { now_ms: now, cards: all }))
      return
    }
    for (const card of all) {
      const key = JSON.stringify(card)
      if (lastSent.get(card.server) === key) continue
      lastSent.set(card.server, key)
      send(message('card', { now_ms: now, card }))
    }
  }

  function remember (all: CardJson[]): void {
    lastSent.clear()
    for (const c of all) lastSent.set(c.server, JSON.stringify(c))
  }

  // Deferred: the fleet notifies before the supervisor records the step, and a burst of changes in one tick is sent once.
  function queue (): void {
    if (queued) return
    queued = true
    clock.setImmediate(() => { queued = false; if (clients.size > 0) broadcast() })
  }

  function start (): void {
    const unsubscribe = fleet.subscribe(() => queue())
    const stopRefresh = every(clock, opts.refreshMs ?? ADMIN_REFRESH_MS, queue)
    const stopHeartbeat = every(clock, opts.heartbeatMs ?? ADMIN_HEARTBEAT_MS, () => send(': keep-alive\n\n'))
    stop = () => { unsubscribe(); stopRefresh(); stopHeartbeat() }
  }

  function leave (res: ServerResponse): void {
    if (!clients.delete(res) || clients.size > 0) return
    stop?.()
    stop = null
  }

  // open streams would hold app.close() (and the process) forever: end them first
  app.addHook('preClose', async () => {
    for (const res of [...clients]) { res.end(); leave(res) }
  })

  app.get('/api/stream', { logLevel: 'warn' }, async (_req, reply) => {
    if (clients.size >= (opts.maxClients ?? MAX_ADMIN_STREAMS)) {
      // overview.js falls back to polling /admin/api/servers
      return await reply.code(503).header('retry-after', '5').send({ error: 'HALL_ERR_HTTP_TOO_MANY_STREAMS', message: 'too many open event streams; poll /admin/api/servers instead' })
    }
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff'
    })
    res.on('error', () => res.destroy())
    const all = cards()
    if (clients.size === 0) { remember(all); start() }
    res.write(`retry: 1000\n\n${message('cards', { now_ms: clock.now(), cards: all })}`)
    clients.add(res)
    res.once('close', () => leave(res))
  })
}

function message (event: string, data: unknown): string {
  // JSON.stringify never emits a raw newline, so one data line carries the whole object
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

/** Calls `fn` every `ms` on the injected clock (one-shot timers only); returns the function that stops it. */
function every (clock: Clock, ms: number, fn: () => void): () => void {
  let timer: Timer
  const arm = (): void => {
    timer = clock.setTimeout(() => { arm(); fn() }, ms)
    timer.unref?.()
  }
  arm()
  return () => clock.clearTimeout(timer)
}
