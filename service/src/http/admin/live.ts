import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Clock, Timer } from '../../clock.js'
import type { Fleet } from '../../lifecycle/fleet.js'
import type { PowerHistory } from '../status-view.js'
import { buildCards, type CardJson } from './cards.js'

/** The session each stream was opened with: a stream ends with its session (logout, expiry, password change, account removed). */
export interface StreamSessions {
  /** The id hash of the request's session; null when it has none. */
  idHashOf (req: FastifyRequest): string | null
  /** Read only: a stream open is no activity, so it does not keep its session from going idle. */
  isLive (idHash: string): boolean
}

export interface LiveCardsOptions {
  readonly fleet: Fleet
  readonly history: PowerHistory
  readonly clock: Clock
  readonly startedAt: number
  readonly maxClients?: number
  readonly refreshMs?: number
  readonly heartbeatMs?: number
  readonly sessions?: StreamSessions
  readonly maxPerSession?: number
}

/** A handful of people run Hall: more admin streams than this at once is a tab left open in a loop. */
export const MAX_ADMIN_STREAMS = 20
/** A few tabs of one browser; past that one session would take every stream from the others. */
export const MAX_STREAMS_PER_SESSION = 4
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
  // each stream and the id hash of the session that opened it (null without sessions: the pages' tests)
  const clients = new Map<ServerResponse, string | null>()
  const lastSent = new Map<string, string>()
  let stop: (() => void) | null = null
  let queued = false

  const cards = (): CardJson[] => buildCards(fleet, history, startedAt, clock.now())

  function send (chunk: string): void {
    for (const res of clients.keys()) {
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
    // each refresh (at most ADMIN_REFRESH_MS after a session ends) and each change first drops the streams of ended sessions
    clock.setImmediate(() => { queued = false; endOrphans(); if (clients.size > 0) broadcast() })
  }

  function start (): void {
    const unsubscribe = fleet.subscribe(() => queue())
    const stopRefresh = every(clock, opts.refreshMs ?? ADMIN_REFRESH_MS, queue)
    const stopHeartbeat = every(clock, opts.heartbeatMs ?? ADMIN_HEARTBEAT_MS, () => send(': keep-alive\n\n'))
    stop = () => { unsubscribe(); stopRefresh(); stopHeartbeat() }
  }

  /** A stream whose session has ended gets nothing more: closed, the browser reconnects and meets the login. */
  function endOrphans (): void {
    const { sessions } = opts
    if (sessions === undefined) return
    for (const [res, idHash] of [...clients]) {
      if (idHash === null || sessions.isLive(idHash)) continue
      res.end()
      leave(res)
    }
  }

  function leave (res: ServerResponse): void {
    if (!clients.delete(res) || clients.size > 0) return
    stop?.()
    stop = null
  }

  // open streams would hold app.close() (and the process) forever: end them first
  app.addHook('preClose', async () => {
    for (const res of [...clients.keys()]) { res.end(); leave(res) }
  })

  app.get('/api/stream', { logLevel: 'warn' }, async (req, reply) => {
    const idHash = opts.sessions?.idHashOf(req) ?? null
    const ofSession = idHash === null ? 0 : [...clients.values()].filter(h => h === idHash).length
    if (clients.size >= (opts.maxClients ?? MAX_ADMIN_STREAMS) || ofSession >= (opts.maxPerSession ?? MAX_STREAMS_PER_SESSION)) {
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
    clients.set(res, idHash)
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
