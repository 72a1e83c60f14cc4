import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import path from 'node:path'
import type Database from 'better-sqlite3'
import { assertNever } from '../assert-never.js'
import { HallError } from '../errors.js'
import { directWrites, type Writes } from './write-queue.js'

/** `projects`: list, create, edit and remove client projects (/api/projects) on the key's servers. */
export const apiKeyActions = ['wake', 'shutdown', 'projects'] as const
export type ApiKeyAction = typeof apiKeyActions[number]

/** A key as listed: never its hash, never the key itself. */
export interface ApiKeyRecord {
  id: number
  name: string
  /** Public part of the key (`hall_<prefix>_...`): tells keys apart in lists and logs. */
  prefix: string
  /** null = every server */
  servers: string[] | null
  /** null = every action */
  actions: ApiKeyAction[] | null
  createdAt: number
  lastUsedAt: number | null
  revokedAt: number | null
}

export interface ApiKeyScopes { servers: string[] | null, actions: ApiKeyAction[] | null }
export interface ApiKeyCreate extends ApiKeyScopes { name: string, now: number }

/** Why a presented key was refused: for Hall's log, never for the caller (who gets one 401 for all). */
export type ApiKeyRefusal =
  | { readonly reason: 'missing' | 'malformed' }
  /** Looked up by its prefix in `database` (the file, as an absolute path): nothing there, another secret, or revoked. */
  | { readonly reason: 'unknown' | 'wrong-secret' | 'revoked', readonly prefix: string, readonly database: string }

export type ApiKeyVerdict = { readonly ok: true, readonly key: ApiKeyRecord } | { readonly ok: false, readonly refusal: ApiKeyRefusal }

export interface ApiKeys {
  /** Returns the key in clear: this is the only time it exists outside the caller's hands. */
  create (k: ApiKeyCreate): { key: string, record: ApiKeyRecord }
  /** The key's record when it is well formed, known, matches and is not revoked; otherwise why not. */
  verify (presented: string | undefined): ApiKeyVerdict
  touch (id: number, at: number): void
  /** Oldest first. */
  list (): ApiKeyRecord[]
  /** Returns false when no key has that name; revoking twice keeps the first time. */
  revoke (name: string, at: number): boolean
}

// hall_<8 hex: prefix, finds the row>_<32 random bytes, base64url: the secret>
const KEY_FORMAT = /^hall_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/
const NAME_FORMAT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
// the same rule as server names in domains.json
const SERVER_NAME_FORMAT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/
// compared against when the prefix is unknown, so a miss costs about what a hit costs
const NO_MATCH = Buffer.alloc(32)

type ApiKeyRow = Omit<ApiKeyRecord, 'servers' | 'actions'> & { servers: string | null, actions: string | null, hash: string }

const columns = `id, name, prefix, hash, servers, actions, created_at AS createdAt,
  last_used_at AS lastUsedAt, revoked_at AS revokedAt`

/** `writes`: Hall's write queue for touch(); the CLI, which may wait for the lock, writes at once. */
export function createApiKeys (db: Database.Database, writes: Writes = directWrites): ApiKeys {
  const insert = db.prepare<[string, string, string, string | null, string | null, number]>(
    'INSERT INTO api_keys (name, prefix, hash, servers, actions, created_at) VALUES (?, ?, ?, ?, ?, ?)')
  const selectByPrefix = db.prepare<[string], ApiKeyRow>(`SELECT ${columns} FROM api_keys WHERE prefix = ?`)
  const selectByName = db.prepare<[string], ApiKeyRow>(`SELECT ${columns} FROM api_keys WHERE name = ?`)
  const selectAll = db.prepare<[], ApiKeyRow>(`SELECT ${columns} FROM api_keys ORDER BY created_at, id`)
  const updateUsed = db.prepare<[number, number]>('UPDATE api_keys SET last_used_at = ? WHERE id = ?')
  const updateRevoked = db.prepare<[number, string]>('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE name = ?')
  // a key made with `hall apikey create` in another file than Hall's is refused as unknown: the log names this one
  const database = db.memory ? db.name : path.resolve(db.name)

  return {
    create ({ name, servers, actions, now }) {
      checkApiKeyName(name)
      checkScopes({ servers, actions })
      if (selectByName.get(name) !== undefined) {
        throw new HallError('HALL_ERR_API_KEY_NAME_TAKEN', `an API key named "${name}" already exists (revoked keys keep their name)`)
      }
      // a 32-bit prefix can collide once keys number in the thousands: draw again, a few times at most
      for (let attempt = 1; ; attempt++) {
        const prefix = randomBytes(4).toString('hex')
        if (selectByPrefix.get(prefix) !== undefined && attempt < 5) continue
        const key = `hall_${prefix}_${randomBytes(32).toString('base64url')}`
        insert.run(name, prefix, sha256(key).toString('hex'), json(servers), json(actions), now)
        return { key, record: toRecord(selectByPrefix.get(prefix)!) }
      }
    },
    verify (presented) {
      if (presented === undefined) return { ok: false, refusal: { reason: 'missing' } }
      const match = KEY_FORMAT.exec(presented)
      if (match === null) return { ok: false, refusal: { reason: 'malformed' } }
      const prefix = match[1]!
      const row = selectByPrefix.get(prefix)
      // The key holds 256 random bits, so a fast unsalted SHA-256 is the right hash: no password
      // stretching is needed against guessing, and it keeps each API call cheap.
      const stored = row === undefined ? NO_MATCH : Buffer.from(row.hash, 'hex')
      const same = timingSafeEqual(stored, sha256(presented))
      if (row === undefined) return { ok: false, refusal: { reason: 'unknown', prefix, database } }
      if (!same) return { ok: false, refusal: { reason: 'wrong-secret', prefix, database } }
      if (row.revokedAt !== null) return { ok: false, refusal: { reason: 'revoked', prefix, database } }
      return { ok: true, key: toRecord(row) }
    },
    touch (id, at) {
      // one row per key: only the last use matters
      writes.run('api_keys.touch', () => updateUsed.run(at, id), `api_keys ${id}`)
    },
    list () {
      return selectAll.all().map(toRecord)
    },
    revoke (name, at) {
      return updateRevoked.run(at, name).changes > 0
    }
  }
}

/** One log line's message: what was wrong with the key, and for a looked-up key, in which file. */
export function describeRefusal (r: ApiKeyRefusal): string {
  switch (r.reason) {
    case 'missing': return 'API key refused: no X-API-Key header'
    case 'malformed': return 'API key refused: not a Hall key (hall_<prefix>_<secret>)'
    case 'unknown': return `API key refused: no key with prefix ${r.prefix} in ${r.database} (hall apikey create writes to HALL_DB: is it this file?)`
    case 'wrong-secret': return `API key refused: the key with prefix ${r.prefix} in ${r.database} has another secret`
    case 'revoked': return `API key refused: the key with prefix ${r.prefix} in ${r.database} is revoked`
    default: return assertNever(r)
  }
}

/**
 * `--servers a,b` and `--actions wake,shutdown,projects` as given on the command line; an absent option
 * means every server / every action. Throws HALL_ERR_API_KEY_SCOPE_INVALID naming the bad item.
 */
export function parseApiKeyScopes (servers: string | undefined, actions: string | undefined): ApiKeyScopes {
  const list = (text: string): string[] => [...new Set(text.split(',').map(s => s.trim()))]
  const scopes = {
    servers: servers === undefined ? null : list(servers),
    actions: actions === undefined ? null : list(actions) as ApiKeyAction[]
  }
  checkScopes(scopes)
  return scopes
}

/** Whether a key may do `action` on `server`. */
export function isInScope (key: Pick<ApiKeyRecord, 'servers' | 'actions'>, server: string, action: ApiKeyAction): boolean {
  return (key.servers === null || key.servers.includes(server)) && (key.actions === null || key.actions.includes(action))
}

/** Throws HALL_ERR_API_KEY_NAME_INVALID: the CLI checks before it opens the database. */
export function checkApiKeyName (name: string): void {
  if (!NAME_FORMAT.test(name)) {
    throw new HallError('HALL_ERR_API_KEY_NAME_INVALID', `invalid key name "${name}": expected 1 to 64 letters, digits, ".", "-" or "_", starting with a letter or digit`)
  }
}

function checkScopes ({ servers, actions }: ApiKeyScopes): void {
  const badServer = servers?.find(s => !SERVER_NAME_FORMAT.test(s))
  if (servers?.length === 0 || badServer !== undefined) {
    throw new HallError('HALL_ERR_API_KEY_SCOPE_INVALID', `invalid server list: ${badServer === undefined ? 'empty' : `"${badServer}" is not a server name`}`)
  }
  const badAction = actions?.find(a => !(apiKeyActions as readonly string[]).includes(a))
  if (actions?.length === 0 || badAction !== undefined) {
    throw new HallError('HALL_ERR_API_KEY_SCOPE_INVALID', `invalid action list: ${badAction === undefined ? 'empty' : `"${badAction}" is not an action`} (known: ${apiKeyActions.join(', ')})`)
  }
}

function sha256 (text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

function json (list: string[] | null): string | null {
  return list === null ? null : JSON.stringify(list)
}

function toRecord ({ hash: _hash, ...row }: ApiKeyRow): ApiKeyRecord {
  return {
    ...row,
    servers: row.servers === null ? null : storedList(row.servers, (s): s is string => SERVER_NAME_FORMAT.test(s)),
    actions: row.actions === null ? null : storedList(row.actions, (a): a is ApiKeyAction => (apiKeyActions as readonly string[]).includes(a))
  }
}

/**
 * A scope list as stored (JSON text; SQL NULL alone means "every"). Checked, not cast: text that
 * is not a list of known items (damaged, edited by hand) reads as an empty list, so the key can
 * do nothing rather than everything.
 */
function storedList<T extends string> (text: string, known: (item: string) => item is T): T[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return []
  }
  if (!Array.isArray(parsed) || !parsed.every((item): item is T => typeof item === 'string' && known(item))) return []
  return parsed
}
