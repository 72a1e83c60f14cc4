import type { ConfigProblem } from './issues.js'

const PLACEHOLDERS = new Set(['mac', 'ip', 'broadcast'])

/**
 * Problems no per-field schema can see: names that point nowhere, hosts that collide, templates
 * with unknown placeholders. Runs on the raw file, so they are reported together with the
 * schema's own problems instead of after them.
 */
export function crossReferenceProblems (raw: unknown): ConfigProblem[] {
  const file = asRecord(raw)
  const relays = Object.keys(asRecord(file.relays))
  const servers = asRecord(file.servers)
  const serverNames = new Set(Object.keys(servers))
  const problems: ConfigProblem[] = []

  const seenHosts = new Set<string>()
  for (const [rawHost, value] of Object.entries(asRecord(file.domains))) {
    const at = `domains[${JSON.stringify(rawHost)}]`
    const host = rawHost.toLowerCase()
    if (seenHosts.has(host)) problems.push({ path: at, message: `duplicates domain "${host}" (host names are case-insensitive)` })
    seenHosts.add(host)
    const entry = asRecord(value)
    if ('server_ip' in entry) {
      if (serverNames.has(host)) problems.push({ path: at, message: `the flat form defines a server "${host}", which servers already has` })
    } else if (typeof entry.server === 'string' && !serverNames.has(entry.server)) {
      problems.push({ path: `${at}.server`, message: `no server named "${entry.server}" (known: ${known(serverNames)})` })
    }
  }

  for (const [name, value] of Object.entries(servers)) {
    const server = asRecord(value)
    const wake = asRecord(server.wake)
    const shutdown = asRecord(server.shutdown)
    const at = `servers.${name}`
    if (wake.method === 'ssh') problems.push(...relayProblems(wake.relay, `${at}.wake.relay`, relays))
    if (wake.method === 'ssh' && typeof wake.command === 'string') problems.push(...templateProblems(wake.command, `${at}.wake.command`))
    problems.push(...relayProblems(shutdown.relay, `${at}.shutdown.relay`, relays))
    problems.push(...relayProblems(asRecord(server.podman).relay, `${at}.podman.relay`, relays))
    // one without the other hosts nothing: say which half is missing
    if (server.capacity !== undefined && server.podman === undefined) problems.push({ path: `${at}.podman`, message: 'a server with a capacity hosts client projects: name the relay that runs podman on it ({"relay": "NAME"})' })
    if (server.podman !== undefined && server.capacity === undefined) problems.push({ path: `${at}.capacity`, message: 'a server with podman hosts client projects: say what they may use ({"cpu": 4, "memory_mib": 8192, "disk_gib": 100})' })
  }
  return problems
}

function relayProblems (relay: unknown, path: string, relays: string[]): ConfigProblem[] {
  if (typeof relay !== 'string' || relays.includes(relay)) return []
  return [{ path, message: `no relay named "${relay}" (known: ${known(relays)})` }]
}

function templateProblems (template: string, path: string): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  for (const [, name] of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!PLACEHOLDERS.has(name!)) problems.push({ path, message: `unknown placeholder {${name!}} (allowed: {mac}, {ip}, {broadcast})` })
  }
  // what is left once placeholders are removed must hold no brace: "{mac" is a typo, not text
  if (/[{}]/.test(template.replace(/\{[^{}]*\}/g, ''))) problems.push({ path, message: 'has an unmatched "{" or "}"' })
  return problems
}

function asRecord (value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {}
}

function known (names: Iterable<string>): string {
  return [...names].sort().join(', ') || 'none'
}
