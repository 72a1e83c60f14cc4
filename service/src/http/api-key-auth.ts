import type { Clock } from '../clock.js'
import { httpStatusOf, publicMessageOf, type ErrorCode } from '../errors.js'
import { isInScope, type ApiKeyAction, type ApiKeyRecord, type ApiKeys } from '../store/index.js'
import { describeRefusal } from '../store/api-keys.js'

/** What a refused call gets: one body per status, whatever the precise reason behind a 401. */
export interface Denial {
  /** From the error table: 401, 403 or 429. */
  readonly status: number
  readonly error: ErrorCode
  readonly message: string
  readonly retryAfterSeconds: number | null
}

export type AuthResult = { readonly ok: true, readonly key: ApiKeyRecord } | { readonly ok: false, readonly denial: Denial }

export interface ApiKeyAuth {
  /**
   * `peer` is the TCP peer's address, never one read from X-Forwarded-For: any process a trusted
   * proxy's address covers could write a new one per guess, or name the CLI's 127.0.0.1 to lock it out.
   */
  check (peer: string, presented: string | undefined, server: string, action: ApiKeyAction): AuthResult
  /**
   * The same checks with the action alone: for a route that learns the server only once the key
   * is good (a project's), or serves several (a list), and checks `isInScope` itself.
   */
  checkAction (peer: string, presented: string | undefined, action: ApiKeyAction): AuthResult
}

/** Refused keys are counted twice: one peer guessing many keys, and many peers guessing one key. */
export interface FailureLimits {
  readonly byPeer: FailureLimiter
  /** Keyed by the `hall_<8 hex>_` prefix of the key tried, which names the key it would be. */
  readonly byKeyPrefix: FailureLimiter
}

export interface ApiKeyAuthDeps {
  readonly apiKeys: Pick<ApiKeys, 'verify' | 'touch'>
  readonly clock: Clock
  readonly limits: FailureLimits
  readonly log: { warn (obj: object, msg: string): void }
}

/** last_used_at is for people reading `hall apikey list`: once a minute is precise enough, and spares a write per call. */
const TOUCH_EVERY_MS = 60_000

// missing, malformed, unknown, wrong and revoked keys all get this: the caller learns nothing about which
const INVALID = denial('HALL_ERR_API_KEY_INVALID')

// the public part of a key (store/api-keys.ts KEY_FORMAT), read before anything is verified
const KEY_PREFIX = /^hall_([0-9a-f]{8})_/

export function createApiKeyAuth ({ apiKeys, clock, limits, log }: ApiKeyAuthDeps): ApiKeyAuth {
  /** `server` null: only the action is checked here, the route checks the server. */
  function check (peer: string, presented: string | undefined, server: string | null, action: ApiKeyAction): AuthResult {
    const prefix = presented === undefined ? null : KEY_PREFIX.exec(presented)?.[1] ?? null
    const waitMs = Math.max(limits.byPeer.blockedForMs(peer), prefix === null ? 0 : limits.byKeyPrefix.blockedForMs(prefix))
    if (waitMs > 0) {
      // checked before the key, so a guesser learns nothing while blocked, even from a right guess
      return { ok: false, denial: denial('HALL_ERR_API_KEY_RATE_LIMITED', publicMessageOf('HALL_ERR_API_KEY_RATE_LIMITED'), Math.ceil(waitMs / 1000)) }
    }
    const verdict = apiKeys.verify(presented)
    if (!verdict.ok) {
      limits.byPeer.fail(peer)
      if (prefix !== null) limits.byKeyPrefix.fail(prefix)
      // the log says why and which database was read; the caller learns nothing about which
      log.warn({ peer, ...verdict.refusal }, describeRefusal(verdict.refusal))
      return { ok: false, denial: INVALID }
    }
    const key = verdict.key
    const allowed = server === null ? key.actions === null || key.actions.includes(action) : isInScope(key, server, action)
    if (!allowed) {
      const what = action === 'projects' ? 'manage projects' : action
      return { ok: false, denial: denial('HALL_ERR_API_KEY_FORBIDDEN', `the key "${key.name}" may not ${what}${server === null ? '' : ` ${server}`}`) }
    }
    const now = clock.now()
    if (key.lastUsedAt === null || now - key.lastUsedAt >= TOUCH_EVERY_MS) {
      try {
        apiKeys.touch(key.id, now)
      } catch (err) {
        log.warn({ err, key: key.name }, 'could not record the API key as used') // a busy database must not refuse a valid call
      }
    }
    return { ok: true, key }
  }
  return {
    check,
    checkAction: (peer, presented, action) => check(peer, presented, null, action)
  }
}

function denial (code: ErrorCode, message = publicMessageOf(code), retryAfterSeconds: number | null = null): Denial {
  return { status: httpStatusOf(code), error: code, message, retryAfterSeconds }
}

export interface FailureLimiter {
  /** 0 when `client` (an address, a key prefix) may try a key now, else how long until it may. */
  blockedForMs (client: string): number
  fail (client: string): void
}

/** The budgets Hall runs with: the same for a peer and for a key prefix. */
export function createFailureLimits (clock: Clock): FailureLimits {
  return { byPeer: createFailureLimiter({ clock }), byKeyPrefix: createFailureLimiter({ clock }) }
}

export interface FailureLimiterOptions {
  readonly clock: Clock
  /** Refused keys allowed in a burst. */
  readonly burst?: number
  /** One more refused key allowed per this many ms. */
  readonly refillMs?: number
  /** Clients remembered at most; the least recently refused is forgotten first. */
  readonly maxClients?: number
}

/**
 * A token bucket per client (a peer address, a key prefix), spent only by refused keys: a guesser
 * gets 10 tries, then one every 6 s, which puts a 256-bit key out of reach for good; a valid key
 * costs nothing. In memory and bounded: a restart forgets it, and an attacker with very many
 * addresses or prefixes can push others out of the map (each still gets its own small budget).
 */
export function createFailureLimiter ({ clock, burst = 10, refillMs = 6000, maxClients = 10_000 }: FailureLimiterOptions): FailureLimiter {
  const buckets = new Map<string, { tokens: number, at: number }>()

  const tokensOf = (client: string, now: number): number => {
    const b = buckets.get(client)
    if (b === undefined) return burst
    return Math.min(burst, b.tokens + (now - b.at) / refillMs)
  }

  return {
    blockedForMs (client) {
      const tokens = tokensOf(client, clock.now())
      return tokens >= 1 ? 0 : Math.ceil((1 - tokens) * refillMs)
    },
    fail (client) {
      const now = clock.now()
      const tokens = tokensOf(client, now) - 1
      buckets.delete(client) // re-inserted last: the Map's order is then least recently refused first
      if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value!)
      buckets.set(client, { tokens, at: now })
    }
  }
}
