import path from 'node:path'
import { parseArgs } from 'node:util'
import { readEnv } from '../config/env.js'
import { loadConfigFile } from '../config/load.js'
import { HallError } from '../errors.js'
import { checkApiKeyName, createApiKeys, parseApiKeyScopes, type ApiKeyRecord, type ApiKeys } from '../store/api-keys.js'
import { asUsage as asUsageOf, withDatabase } from './database-command.js'
import { formatAgo, formatDateTime, renderTable } from './format.js'
import { UsageError } from './usage-error.js'

/**
 * `hall apikey create|list|revoke`: works on the database (HALL_DB) directly, so keys can be
 * made before Hall first runs; a running Hall sees a new or revoked key on its next call.
 */
export async function apikeyCommand (args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const run = sub === undefined ? undefined : subcommands[sub]
  if (run === undefined) throw new UsageError(sub === undefined ? 'apikey needs a subcommand: create, list or revoke' : `unknown apikey subcommand "${sub}"`)
  return run(rest)
}

const subcommands: Record<string, (args: string[]) => number> = {
  create (args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { name: { type: 'string' }, servers: { type: 'string' }, actions: { type: 'string' } },
      strict: true
    })
    const name = values.name
    if (name === undefined || positionals.length > 0) throw new UsageError('apikey create takes --name NAME [--servers a,b] [--actions wake,shutdown,projects]')
    const scopes = asUsage(() => { checkApiKeyName(name); return parseApiKeyScopes(values.servers, values.actions) })
    const env = readEnv()
    const { key, record } = withApiKeys(env.dbFile, keys => asUsage(() => keys.create({ name, ...scopes, now: Date.now() })))
    // the key alone on stdout, so `KEY=$(hall apikey create ...)` captures just the key
    // the absolute path: what Hall's log names when it refuses a key it does not have
    process.stderr.write(`Created API key "${record.name}" (prefix ${record.prefix}) in ${path.resolve(env.dbFile)}: ${describeScopes(record)}.\n`)
    process.stdout.write(`${key}\n`)
    process.stderr.write('Copy it now: it is not shown again (Hall keeps only its SHA-256 hash).\n')
    warnUnknownServers(record.servers, env.configFile)
    return 0
  },
  list (args) {
    parseArgs({ args, options: {}, strict: true })
    const records = withApiKeys(readEnv().dbFile, keys => keys.list())
    if (records.length === 0) {
      process.stdout.write('no API keys (create one with: hall apikey create --name NAME)\n')
      return 0
    }
    const now = Date.now()
    process.stdout.write(renderTable(
      ['NAME', 'PREFIX', 'SERVERS', 'ACTIONS', 'CREATED', 'LAST USED', 'REVOKED'],
      records.map(k => [
        k.name, k.prefix, k.servers?.join(',') ?? 'all', k.actions?.join(',') ?? 'all', formatDateTime(k.createdAt),
        k.lastUsedAt === null ? 'never' : formatAgo(k.lastUsedAt, now), k.revokedAt === null ? '-' : formatDateTime(k.revokedAt)
      ])
    ))
    return 0
  },
  revoke (args) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {}, strict: true })
    const name = positionals[0]
    if (name === undefined || positionals.length > 1) throw new UsageError('apikey revoke takes one key name')
    if (!withApiKeys(readEnv().dbFile, keys => keys.revoke(name, Date.now()))) {
      throw new HallError('HALL_ERR_API_KEY_UNKNOWN', `no API key named "${name}" (see hall apikey list)`)
    }
    process.stdout.write(`revoked API key "${name}": Hall refuses it from its next call\n`)
    return 0
  }
}

function withApiKeys<T> (dbFile: string, fn: (keys: ApiKeys) => T): T {
  return withDatabase(dbFile, db => fn(createApiKeys(db)))
}

/** A bad name or scope is a bad argument: usage and exit 2, like any other. */
const asUsage = <T>(fn: () => T): T => asUsageOf(['HALL_ERR_API_KEY_NAME_INVALID', 'HALL_ERR_API_KEY_SCOPE_INVALID'], fn)

function describeScopes (k: ApiKeyRecord): string {
  return `${k.actions?.join(' and ') ?? 'wake and shutdown'} on ${k.servers === null ? 'every server' : k.servers.join(', ')}`
}

/** A key may name a server that is not configured yet, but it is more likely a typo: say so. */
function warnUnknownServers (servers: string[] | null, configFile: string): void {
  if (servers === null) return
  let known: Set<string>
  try {
    known = new Set(loadConfigFile(configFile).servers.keys())
  } catch {
    return // no readable config here: nothing to compare with
  }
  const unknown = servers.filter(s => !known.has(s))
  if (unknown.length > 0) process.stderr.write(`warning: ${configFile} has no server named ${unknown.map(s => `"${s}"`).join(', ')}\n`)
}
