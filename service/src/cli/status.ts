import { parseArgs } from 'node:util'
import { readEnv } from '../config/env.js'
import { toJsonPath } from '../config/issues.js'
import { statusListSchema, type DomainStatus, type ServerStatus, type StatusList } from '../contract/status.js'
import { HallError } from '../errors.js'
import { callHall, hallBaseUrl, type HallAnswer } from './api-client.js'
import { formatAgo, renderTable } from './format.js'

/** What the table shows of a server: all of it when Hall lists servers, else what its domains tell. */
export type ServerRow = Pick<ServerStatus, 'server' | 'state' | 'since' | 'policy' | 'domains' | 'last_wake'>

/** At most this many of the answer's problems in the error: enough to see what differs. */
const MAX_ISSUES_SHOWN = 3

/** `hall status [--json] [--url URL]`: one row per server, from the running Hall's status API. */
export async function statusCommand (args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { url: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true })
  const baseUrl = hallBaseUrl(values.url, readEnv())
  const body = parseStatusList(`${baseUrl}/api/status`, await callHall(baseUrl, 'GET', '/api/status'))
  // `servers` comes to callers on the gateway itself, servers without a domain included;
  // from elsewhere only the listed domains come, grouped here by server
  const rows = body.servers ?? serverRows(body.domains)
  if (values.json) process.stdout.write(JSON.stringify({ servers: rows }, null, 2) + '\n')
  else process.stdout.write(renderStatusTable(rows, Date.now()))
  return 0
}

/** The answer of GET /api/status, checked against the contract; HALL_ERR_CLI_RESPONSE says where it differs. */
export function parseStatusList (url: string, answer: HallAnswer): StatusList {
  if (answer.status !== 200) {
    throw new HallError('HALL_ERR_CLI_RESPONSE', `${url} answered ${answer.status} instead of the status list: is this Hall?`)
  }
  const parsed = statusListSchema.safeParse(answer.body)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues
  const lines = issues.slice(0, MAX_ISSUES_SHOWN).map(i => `${toJsonPath(i.path)}: ${i.message}`)
  if (issues.length > MAX_ISSUES_SHOWN) lines.push(`(and ${issues.length - MAX_ISSUES_SHOWN} more)`)
  throw new HallError('HALL_ERR_CLI_RESPONSE',
    `${url} answered a status this CLI does not understand (is this Hall, and the same version as the CLI?):\n  ${lines.join('\n  ')}`, issues)
}

/** The public status lists domains; a person thinks in servers, each with its domains. */
export function serverRows (domains: readonly DomainStatus[]): ServerRow[] {
  const rows = new Map<string, ServerRow>()
  for (const d of domains) {
    const row = rows.get(d.server)
    if (row === undefined) rows.set(d.server, { server: d.server, state: d.state, since: d.since, policy: d.policy, domains: [d.domain], last_wake: d.last_wake })
    else row.domains.push(d.domain)
  }
  return [...rows.values()]
}

export function renderStatusTable (rows: readonly ServerRow[], now: number): string {
  if (rows.length === 0) return 'Hall fronts no domains\n'
  const ago = (iso: string): string => formatAgo(Date.parse(iso), now)
  return renderTable(
    ['SERVER', 'STATE', 'SINCE', 'POLICY', 'LAST WAKE', 'DOMAINS'],
    rows.map(r => [
      r.server, r.state, ago(r.since), r.policy,
      r.last_wake === null ? 'never' : `#${r.last_wake.id} ${r.last_wake.outcome}, ${ago(r.last_wake.requested_at)} (${r.last_wake.trigger})`,
      r.domains.join(', ')
    ])
  )
}
