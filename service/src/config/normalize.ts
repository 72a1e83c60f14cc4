import { assertNever } from '../assert-never.js'
import { toAlertTargets } from './alerts-normalize.js'
import { normalizeMac } from './mac.js'
import { expandFlatDomain, isFlatDomain } from './legacy.js'
import type { DomainOptions, DomainsFile, RelayEntry, ServerEntry } from './schema.js'
import type {
  DomainConfig, HallConfig, HealthCheck, RelayConfig, ServerConfig, StatusMatcher, WakeConfig, Weekday
} from './types.js'

const DEFAULT_IDLE_SHUTDOWN_MINUTES = 20

/**
 * From the parsed file to the frozen config the service runs on. Expects a file that passed the
 * schema and `crossReferenceProblems`: every name it follows exists.
 */
export function normalize (file: DomainsFile): HallConfig {
  const relays = new Map<string, RelayConfig>()
  for (const [name, entry] of Object.entries(file.relays)) relays.set(name, toRelay(name, entry))

  const serverEntries = new Map<string, ServerEntry>(Object.entries(file.servers))
  const domains = new Map<string, DomainConfig>()
  for (const [rawHost, entry] of Object.entries(file.domains)) {
    const host = rawHost.toLowerCase()
    if (isFlatDomain(entry)) {
      const { server, upstream } = expandFlatDomain(entry)
      serverEntries.set(host, server)
      domains.set(host, toDomain(host, host, upstream, entry))
    } else {
      domains.set(host, toDomain(host, entry.server, entry.upstream, entry))
    }
  }

  const servers = new Map<string, ServerConfig>()
  for (const [name, entry] of serverEntries) {
    const upstreams = [...domains.values()].filter(d => d.server === name).map(d => d.upstream)
    servers.set(name, toServer(name, entry, upstreams, relays))
  }
  const traefik = Object.freeze({
    entryPoint: file.traefik.entry_point,
    certResolver: file.traefik.cert_resolver ?? null,
    hallUrl: file.traefik.hall_url.replace(/\/+$/, '')
  })
  return Object.freeze({ servers, relays, domains, traefik, alerts: toAlertTargets(file.alerts) })
}

function toDomain (host: string, server: string, upstream: string, o: DomainOptions): DomainConfig {
  return Object.freeze({
    host,
    server,
    upstream,
    listed: o.listed,
    wakeOn: o.wake_on,
    ignoreUserAgents: o.ignore_user_agents.map(p => new RegExp(p, 'i')),
    insecureTls: o.insecure_tls,
    project: null
  })
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

function toServer (name: string, s: ServerEntry, upstreams: string[], relays: Map<string, RelayConfig>): ServerConfig {
  const wake: WakeConfig = s.wake.method === 'udp'
    ? { method: 'udp', broadcast: s.wake.broadcast, port: s.wake.port, secureOn: s.wake.secureon === undefined ? null : macBytes(s.wake.secureon) }
    : { method: 'ssh', relay: relays.get(s.wake.relay)!, command: s.wake.command, broadcast: s.wake.broadcast }
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
    shutdown: s.shutdown === undefined
      ? null
      : {
          relay: relays.get(s.shutdown.relay)!,
          command: s.shutdown.command,
          busyCheck: s.shutdown.busy_check ?? null,
          offTimeoutMs: Math.round(s.shutdown.off_timeout_seconds * 1000)
        },
    schedule: s.schedule === undefined
      ? null
      : {
          timezone: s.schedule.timezone,
          windows: s.schedule.windows.map(w => ({ days: w.days as Weekday[], fromMinute: minutes(w.from), toMinute: minutes(w.to) }))
        },
    power: s.power === undefined ? null : { onWatts: s.power.on_watts, offWatts: s.power.off_watts, bootWatts: s.power.boot_watts ?? s.power.on_watts },
    projects: s.capacity === undefined || s.podman === undefined
      ? null
      : { capacity: { cpu: s.capacity.cpu, memoryMib: s.capacity.memory_mib, diskGib: s.capacity.disk_gib }, relay: relays.get(s.podman.relay)! }
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

function minutes (hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return h! * 60 + m!
}

function macBytes (mac: string): Buffer {
  return Buffer.from(normalizeMac(mac)!.replace(/:/g, ''), 'hex')
}
