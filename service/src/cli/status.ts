import { parseArgs } from 'node:util'
import { readEnv } from '../config/env.js'
import { HallError } from '../errors.js'
import { callHall, hallBaseUrl } from './api-client.js'
import { formatAgo, renderTable } from './format.js'

/** The fields of GET /api/status the CLI reads (one entry per domain). */
interface DomainStatus {
  domain: string
  server: string
  state: string
  since: string | null
  policy: string
  last_wake: { id: number, trigger: string, outcome: string, requested_at: string } | null
}

export interface ServerRow {
  server: string
  state: string
  since: string | null
  policy: string
  domains: string[]
  last_wake: DomainStatus['last_wake']
}

/** `hall status [--json] [--url URL]`: one row per server, from the running Hall's status API. */
export async function statusCommand (args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { url: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true })
  const baseUrl = hallBaseUrl(values.url, readEnv())
  const answer = await callHall(baseUrl, 'GET', '/api/status')
  const body = answer.body as { domains?: DomainStatus[], servers?: ServerRow[] } | null
  if (answer.status !== 200 || !Array.isArray(body?.domains)) {
    throw new HallError('HALL_ERR_CLI_RESPONSE', `${baseUrl}/api/status answered ${answer.status} without a list of domains: is this Hall?`)
  }
  // `servers` comes to callers on the gateway itself, servers without a domain included;
  // from elsewhere only the listed domains come, grouped here by server
  const rows = Array.isArray(body.servers) ? body.servers : serverRows(body.domains)
  if (values.json) process.stdout.write(JSON.stringify({ servers: rows }, null, 2) + '\n')
  else process.stdout.write(renderStatusTable(rows, Date.now()))
  return 0
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
  const ago = (iso: string | null): string => (iso === null ? '-' : formatAgo(Date.parse(iso), now))
  return renderTable(
    ['SERVER', 'STATE', 'SINCE', 'POLICY', 'LAST WAKE', 'DOMAINS'],
    rows.map(r => [
      r.server, r.state, ago(r.since), r.policy,
      r.last_wake === null ? 'never' : `#${r.last_wake.id} ${r.last_wake.outcome}, ${ago(r.last_wake.requested_at)} (${r.last_wake.trigger})`,
      r.domains.join(', ')
    ])
  )
}
