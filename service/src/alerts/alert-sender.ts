import type * as NodeHttp from 'node:http'
import type * as NodeHttps from 'node:https'
import { createRequire } from 'node:module'
import type { Clock } from '../clock.js'
import type { AlertTarget } from '../config/types.js'
import { toAlertRequest, type AlertRequest, type SecretLookup } from './alert-request.js'
import type { Alert } from './incident-tracker.js'

// required, not imported: an ESM import of node:http also loads Node's bundled undici (Node 22+),
// a few MB and milliseconds at start the service never uses (tests/integration/serve/loaded-packages.test.ts)
const requireBuiltin = createRequire(import.meta.url)
const { request: httpRequest } = requireBuiltin('node:http') as typeof NodeHttp
const { request: httpsRequest } = requireBuiltin('node:https') as typeof NodeHttps

export interface AlertLog {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number
  /** Wait before the second attempt, doubling each time up to `maxMs`. */
  readonly firstMs: number
  readonly maxMs: number
  /** One attempt's deadline: connect, send, and the answer's head. */
  readonly timeoutMs: number
}

/** About a minute and a half of trying, then the alert is given up (and logged). */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, firstMs: 2_000, maxMs: 30_000, timeoutMs: 10_000 }
/** Alerts waiting per target: a target down for hours must not grow Hall's memory. */
const MAX_WAITING = 100

export interface AlertSenderDeps {
  readonly clock: Clock
  readonly log: AlertLog
  readonly secrets: SecretLookup
  readonly retry?: RetryPolicy
}

export interface AlertSender {
  /** Queues `alert` for `target`; returns at once. The target's alerts leave one by one, in order. */
  send (target: AlertTarget, alert: Alert): void
  /** Resolves once every queued alert was delivered or given up. */
  settled (): Promise<void>
  /** Stops retrying: what waits is dropped. */
  close (): void
}

/**
 * Sends alerts in the background with retries and backoff, never blocking the caller. The log
 * names a target by its label (its `name` or `alerts[i]`): its URL and token never reach a log.
 */
export function createAlertSender ({ clock, log, secrets, retry = DEFAULT_RETRY }: AlertSenderDeps): AlertSender {
  const queues = new Map<string, { tail: Promise<void>, waiting: number }>()
  const warnedMissing = new Set<string>()
  let closed = false

  async function deliver (target: AlertTarget, alert: Alert): Promise<void> {
    const about = { alertTarget: target.label, event: alert.event, status: alert.status, server: alert.server }
    let reason = ''
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      if (attempt > 1) await sleep(clock, Math.min(retry.maxMs, retry.firstMs * 2 ** (attempt - 2)))
      if (closed) return // Hall stops: what was not sent is dropped
      const req = toAlertRequest(target, alert, secrets, variable => {
        if (warnedMissing.has(variable)) return
        warnedMissing.add(variable) // the variable's name is no secret; its value never appears
        log.warn({ alertTarget: target.label, variable }, 'an alert target names an environment variable that is not set: sent without it')
      })
      if ('header' in req) {
        // no retry can fix a value Node refuses; the header's name and variable say where to look, the value stays out
        log.warn({ ...about, header: req.header, ...(req.variable === null ? {} : { variable: req.variable }) }, 'alert not delivered: a header value is not printable ASCII (a line break?), giving up')
        return
      }
      reason = await post(req, retry.timeoutMs)
      if (reason === '') {
        log.info({ ...about, attempt }, 'alert sent')
        return
      }
    }
    log.warn({ ...about, attempts: retry.attempts, reason }, 'alert not delivered: the target did not take it, giving up')
  }

  return {
    send (target, alert) {
      if (closed) return
      const queue = queues.get(target.label) ?? { tail: Promise.resolve(), waiting: 0 }
      queues.set(target.label, queue)
      if (queue.waiting >= MAX_WAITING) {
        log.warn({ alertTarget: target.label, event: alert.event, status: alert.status }, 'alert dropped: too many wait for this target')
        return
      }
      queue.waiting++
      const delivered = async (): Promise<void> => {
        try {
          await deliver(target, alert)
        } finally {
          queue.waiting--
        }
      }
      // whatever one alert does, the tail stays fulfilled: a rejection would skip every later alert and crash Hall
      queue.tail = queue.tail.then(delivered, delivered).catch((err: unknown) => {
        log.warn({ alertTarget: target.label, event: alert.event, reason: (err as NodeJS.ErrnoException).code ?? 'internal error' }, 'alert not delivered: sending failed')
      })
    },
    async settled () {
      await Promise.all([...queues.values()].map(async q => await q.tail))
    },
    close () { closed = true }
  }
}

async function sleep (clock: Clock, ms: number): Promise<void> {
  await new Promise<void>(resolve => {
    const timer = clock.setTimeout(resolve, ms)
    timer.unref?.()
  })
}

/** One POST; '' when the target took it (2xx), else why not: the HTTP status or the error's code, never the URL. */
async function post (req: AlertRequest, timeoutMs: number): Promise<string> {
  return await new Promise(resolve => {
    try {
      const send = req.url.startsWith('https:') ? httpsRequest : httpRequest
      const outgoing = send(req.url, { method: 'POST', headers: { ...req.headers, 'content-length': Buffer.byteLength(req.body) }, timeout: timeoutMs }, res => {
        res.resume() // the answer's body is not needed; reading it frees the socket
        resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? '' : `HTTP ${res.statusCode ?? '?'}`)
      })
      outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })))
      outgoing.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'network error'))
      outgoing.end(req.body)
    } catch (err) {
      // http.request throws for what it will not send (ERR_INVALID_CHAR...): a failed attempt, not a crash
      resolve((err as NodeJS.ErrnoException).code ?? 'invalid request')
    }
  })
}
