import { normalizeMac } from './mac.js'
import { expandFlatDomain, isFlatDomain } from './legacy.js'
import type { ConfigProblem } from './issues.js'
import type { DomainsFile, RelayEntry, ServerEntry } from './schema.js'
import type {
  DomainConfig, HallConfig, HealthCheck, RelayConfig, ServerConfig, StatusMatcher, WakeConfig, Weekday
} from './types.js'

const placeholders = new Set(['mac', 'ip', 'broadcast'])
const DEFAULT_IDLE_SHUTDOWN_MINUTES = 20

/**
 * From the parsed file to the frozen config the service runs on. Cross-references (a domain's
 * server, a wake's relay) are checked here; every problem is collected, none thrown early.
 */
export function normalize (file: DomainsFile): { config: HallConfig, problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = []
  const relays = new Map<string, RelayConfig>()
  for (const [name, entry] of Object.entries(file.relays)) relays.set(name, toRelay(name, entry))

  const serverEntries = new Map<string, ServerEntry>(Object.entries(file.servers))
  const domains = new Map<string, DomainConfig>()
  for (const [rawHost, entry] of Object.entries(file.domains)) {
    const host = rawHost.toLowerCase()
    const at = `domains[${JSON.stringify(rawHost)}]`
    if (domains.has(host)) problems.push({ path: at, message: `duplicates domain "${host}" (host names are case-insensitive)` })
    if (isFlatDomain(entry)) {
      const { server, upstream } = expandFlatDomain(entry)
      if (serverEntries.has(host)) problems.push({ path: at, message: `flat entry defines server "${host}", which servers already has` })
      serverEntries.set(host, server)
      domains.set(host, { host, server: host, upstream, listed: entry.listed })
    } else {
      if (!serverEntries.has(entry.server)) {
        problems.push({ path: `${at}.server`, message: `no server named "${entry.server}" (known: ${[...serverEntries.keys()].sort().join(', ') || 'none'})` })
      }
      domains.set(host, { host, server: entry.server, upstream: entry.upstream, listed: entry.listed })
    }
  }

  const servers = new Map<string, ServerConfig>()
  for (const [name, entry] of serverEntries) {
    const upstreams = [...domains.values()].filter(d => d.server === name).map(d => d.upstream)
    const server = toServer(name, entry, upstreams, relays, problems)
    if (server !== null) servers.set(name, server)
  }
  return { config: Object.freeze({ servers, relays, domains }), problems }
}

function toRelay (name: string, r: RelayEntry): RelayConfig {
  return Object.freeze({
    name,
    host: r.host,
    port: r.port,
    user: r.user,
    privateKeyFile: r.private_key_file,
    hostKeySha256: r.host_key_sha256,
    commandTimeoutMs: Math.round(r.command_timeout_seconds * 1000)
  })
}

function toServer (name: string, s: ServerEntry, upstreams: string[], relays: Map<string, RelayConfig>, problems: ConfigProblem[]): ServerConfig | null {
  const at = `servers.${name}`
  const relayNamed = (relayName: string, path: string): RelayConfig | null => {
    const relay = relays.get(relayName)
    if (relay === undefined) problems.push({ path, message: `no relay named "${relayName}" (known: ${[...relays.keys()].sort().join(', ') || 'none'})` })
    return relay ?? null
  }
  let wake: WakeConfig | null
  if (s.wake.method === 'udp') {
    wake = { method: 'udp', broadcast: s.wake.broadcast, port: s.wake.port, secureOn: s.wake.secureon === undefined ? null : macBytes(s.wake.secureon) }
  } else {
    for (const p of templateNames(s.wake.command)) {
      if (!placeholders.has(p)) problems.push({ path: `${at}.wake.command`, message: `unknown placeholder {${p}} (allowed: {mac}, {ip}, {broadcast})` })
    }
    const relay = relayNamed(s.wake.relay, `${at}.wake.relay`)
    wake = relay === null ? null : { method: 'ssh', relay, command: s.wake.command, broadcast: s.wake.broadcast }
  }
  const shutdownRelay = s.shutdown === undefined ? null : relayNamed(s.shutdown.relay, `${at}.shutdown.relay`)
  if (wake === null) return null
  const idleMinutes = s.idle_shutdown_minutes ?? (s.policy === 'always_on' ? null : DEFAULT_IDLE_SHUTDOWN_MINUTES)
  return Object.freeze({
    name,
    ip: s.ip,
    mac: normalizeMac(s.mac)!,
    policy: s.policy,
    wake,
    health: healthChecks(s, upstreams),
    probeIntervalMs: Math.round(s.probe_interval_seconds * 1000),
    probeTimeoutMs: Math.round(s.probe_timeout_seconds * 1000),
    wakeTimeoutMs: Math.round(s.wake_timeout_seconds * 1000),
    idleShutdownMs: idleMinutes === null ? null : Math.round(idleMinutes * 60_000),
    shutdown: s.shutdown === undefined || shutdownRelay === null ? null : { relay: shutdownRelay, command: s.shutdown.command },
    schedule: s.schedule === undefined
      ? null
      : {
          timezone: s.schedule.timezone,
          windows: s.schedule.windows.map(w => ({ days: w.days as Weekday[], fromMinute: minutes(w.from), toMinute: minutes(w.to) }))
        },
    power: s.power === undefined ? null : { onWatts: s.power.on_watts, offWatts: s.power.off_watts }
  })
}

/** A server without an HTTP check is probed on its domains' upstreams: any answer below 500 is ready. */
function healthChecks (s: ServerEntry, upstreams: string[]): HealthCheck[] {
  const checks: HealthCheck[] = s.health.map(c => {
    switch (c.type) {
      case 'ping': return { type: 'ping', host: c.host ?? s.ip }
      case 'tcp': return { type: 'tcp', host: c.host ?? s.ip, port: c.port }
      case 'http': return { type: 'http', url: c.url, expectStatus: statusMatcher(c.expect_status), expectBody: c.expect_body ?? null, insecureTls: c.insecure_tls }
      default: return assertNever(c)
    }
  })
  if (checks.some(c => c.type === 'http')) return checks
  const implicit: HealthCheck[] = [...new Set(upstreams)].map(url => ({
    type: 'http', url, expectStatus: { kind: 'below', limit: 500 }, expectBody: null, insecureTls: true
  }))
  const all = [...checks, ...implicit]
  // a server no domain points at, with no checks: the host answering ping is all we can know
  return all.length > 0 ? all : [{ type: 'ping', host: s.ip }]
}

function statusMatcher (expect: number | number[] | string): StatusMatcher {
  if (typeof expect === 'number') return { kind: 'codes', codes: [expect] }
  if (Array.isArray(expect)) return { kind: 'codes', codes: expect }
  return { kind: 'class', hundreds: Number(expect[0]) }
}

function templateNames (template: string): string[] {
  return [...template.matchAll(/\{([^{}]*)\}/g)].map(m => m[1]!)
}

function minutes (hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return h! * 60 + m!
}

function macBytes (mac: string): Buffer {
  return Buffer.from(normalizeMac(mac)!.replace(/:/g, ''), 'hex')
}

function assertNever (value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`)
}
