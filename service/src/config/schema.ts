import { z } from 'zod'
import { alertsSchema, alertTargetSchema, ntfySchema } from './alerts-schema.js'
import { normalizeMac } from './mac.js'

/**
 * The shape of `domains.json`: the single source of truth. `schemas/domains.schema.json` is
 * generated from it (`npm run schema`) and a test fails when the two drift.
 * Objects are strict: a typo such as `wol_polcy` must fail, not silently disable a policy.
 */

const ipv4 = z.ipv4({ error: 'expected an IPv4 address such as 192.168.1.20' })
const port = z.int().min(1).max(65535)
const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, { error: 'expected a name of letters, digits, "-" or "_"' })
const hostName = z.string().min(1).max(253)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, { error: 'expected a host name such as app.example.com' })
const host = z.union([ipv4, hostName], { error: 'expected an IPv4 address or a host name' })
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an absolute http:// or https:// URL' })
const mac = z.string().refine(v => normalizeMac(v) !== null, { error: 'expected a MAC address such as AA:BB:CC:DD:EE:FF' })
const time = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, { error: 'expected a time "HH:MM" from 00:00 to 24:00' })
const timezone = z.string().refine(isTimeZone, { error: 'expected an IANA time zone such as Europe/Paris' })

export const policySchema = z.enum(['always_on', 'scheduled', 'on_demand'])

export const relaySchema = z.strictObject({
  host,
  port: port.default(22),
  user: z.string().min(1),
  private_key_file: z.string().min(1).describe('Path of the private key file (never the key itself)'),
  host_key_sha256: z.union([
    z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, { error: 'expected the fingerprint as `ssh-keygen -lf` prints it: SHA256:<43 characters>' }),
    z.literal('insecure-accept-any')
  ]).describe('Pinned host key; "insecure-accept-any" disables pinning explicitly'),
  command_timeout_seconds: z.number().positive().max(600).default(30)
})

export const udpWakeSchema = z.strictObject({
  method: z.literal('udp'),
  broadcast: ipv4.default('255.255.255.255'),
  port: port.default(9),
  secureon: mac.optional().describe('SecureOn password, written like a MAC address')
})
export const sshWakeSchema = z.strictObject({
  method: z.literal('ssh'),
  relay: name,
  command: z.string().min(1).default('wakeonlan -i {broadcast} {mac}')
    .describe('Run on the relay; placeholders {mac}, {ip}, {broadcast}'),
  broadcast: ipv4.default('255.255.255.255')
})
export const wakeSchema = z.discriminatedUnion('method', [udpWakeSchema, sshWakeSchema])

export const expectStatusSchema = z.union([
  z.int().min(100).max(599),
  z.array(z.int().min(100).max(599)).min(1),
  z.string().regex(/^[1-5]xx$/, { error: 'expected a status class such as "2xx"' })
])

const pingCheckSchema = z.strictObject({ type: z.literal('ping'), host: host.optional() })
const tcpCheckSchema = z.strictObject({ type: z.literal('tcp'), host: host.optional(), port })
const httpCheckSchema = z.strictObject({
  type: z.literal('http'),
  url: httpUrl,
  expect_status: expectStatusSchema.default(200),
  expect_body: z.string().min(1).optional(),
  insecure_tls: z.boolean().default(false)
})
export const healthCheckSchema = z.discriminatedUnion('type', [pingCheckSchema, tcpCheckSchema, httpCheckSchema])

export const weekdaySchema = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])
const scheduleWindowSchema = z.strictObject({ days: z.array(weekdaySchema).min(1), from: time, to: time })
export const scheduleSchema = z.strictObject({ timezone, windows: z.array(scheduleWindowSchema).min(1) })

const shutdownSchema = z.strictObject({
  relay: name,
  command: z.string().min(1).describe('Run on the relay to power the server off, e.g. "sudo systemctl poweroff"'),
  busy_check: z.string().min(1).optional().describe('Run on the relay first; exit code 0 means busy and vetoes the shutdown'),
  off_timeout_seconds: z.number().min(5).max(3600).default(180).describe('How long the host may keep answering after the command')
})
const powerSchema = z.strictObject({
  on_watts: z.number().min(0).describe('Draw while the server is up (RUNNING, IDLE, SHUTDOWN), in watts'),
  off_watts: z.number().min(0).describe('Draw while it is off (Wake-on-LAN standby), in watts'),
  boot_watts: z.number().min(0).optional().describe('Draw while it wakes and boots (WAKING, BOOTING), in watts; default: on_watts')
})

/** What a server that hosts client projects offers them in total; allocations may not exceed it. */
export const capacitySchema = z.strictObject({
  cpu: z.number().positive().max(4096).describe('CPU cores the projects may be allocated in total'),
  memory_mib: z.int().positive().describe('Memory the projects may be allocated in total, in MiB'),
  disk_gib: z.int().positive().describe('Disk the projects may be allocated in total, in GiB')
})
const podmanSchema = z.strictObject({
  relay: name.describe('Relay that reaches this server itself, as the account that runs its Podman pods')
})

export const serverSchema = z.strictObject({
  ip: ipv4,
  mac,
  policy: policySchema.default('on_demand'),
  wake: wakeSchema.default({ method: 'udp', broadcast: '255.255.255.255', port: 9 }),
  health: z.array(healthCheckSchema).default([]),
  probe_interval_seconds: z.number().min(1).max(3600).default(10),
  probe_timeout_seconds: z.number().min(0.1).max(30).default(2),
  wake_timeout_seconds: z.number().min(5).max(3600).default(120),
  idle_shutdown_minutes: z.number().min(1).max(10080).optional(),
  shutdown: shutdownSchema.optional(),
  schedule: scheduleSchema.optional(),
  power: powerSchema.optional(),
  capacity: capacitySchema.optional().describe('The server hosts client projects (Podman pods): what they may use in total'),
  podman: podmanSchema.optional().describe('How Hall runs `podman kube play` on a server that hosts client projects')
})

export const wakeOnSchema = z.enum(['browser', 'any', 'never'])
  .describe('Which requests may wake the server and keep it awake: browser navigations only, any request, or none')
const userAgentPattern = z.string().min(1).max(200).refine(isRegExp, { error: 'expected a regular expression such as "UptimeKuma"' })

/** Per-domain request rules, shared by the full and the flat form. */
const domainOptions = {
  listed: z.boolean().default(true).describe('Shown on Hall\'s home page'),
  wake_on: wakeOnSchema.default('browser'),
  ignore_user_agents: z.array(userAgentPattern).default([])
    .describe('User-Agent patterns (case-insensitive regular expressions) that never wake the server nor keep it awake'),
  insecure_tls: z.boolean().default(false).describe('The upstream has a self-signed certificate: the proxy skips its verification')
}

export const domainSchema = z.strictObject({
  server: name,
  upstream: httpUrl.describe('Where the proxy sends live traffic'),
  ...domainOptions
})

/** The original deployment's form: a domain that defines its own server. */
export const flatDomainSchema = z.strictObject({
  server_ip: ipv4,
  server_mac: mac,
  wol_policy: policySchema,
  wake_timeout_seconds: z.number().min(5).max(3600).default(120),
  idle_shutdown_minutes: z.number().min(1).max(10080).optional(),
  redirect_url: httpUrl.describe('Upstream of the domain'),
  ...domainOptions
})

/** How the generated Traefik configuration reaches Hall and serves the domains. */
export const traefikSchema = z.strictObject({
  entry_point: z.string().min(1).default('websecure'),
  cert_resolver: z.string().min(1).optional().describe('Traefik certificate resolver for the routers (none: Traefik\'s default certificate)'),
  hall_url: httpUrl.default('http://127.0.0.1:8080').describe('Where Traefik reaches Hall (forward-auth and Hall\'s own pages)')
})

export const domainsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  relays: z.record(name, relaySchema).default({}),
  servers: z.record(name, serverSchema).default({}),
  domains: z.record(hostName, z.union([domainSchema, flatDomainSchema])),
  traefik: traefikSchema.default({ entry_point: 'websecure', hall_url: 'http://127.0.0.1:8080' }),
  alerts: alertsSchema.describe('Where Hall sends alerts (config/alerts-schema.ts)')
})

export type DomainsFile = z.output<typeof domainsFileSchema>
export type ServerEntry = z.output<typeof serverSchema>
export type RelayEntry = z.output<typeof relaySchema>
export type FlatDomainEntry = z.output<typeof flatDomainSchema>
export type DomainOptions = Pick<z.output<typeof domainSchema>, keyof typeof domainOptions>

function isRegExp (value: string): boolean {
  try {
    RegExp(value, 'i')
    return true
  } catch {
    return false
  }
}

function isTimeZone (value: string): boolean {
  try {
    Intl.DateTimeFormat('en', { timeZone: value })
    return true
  } catch {
    return false
  }
}

/**
 * Where each key of the file belongs, for hints: a key used at the wrong level is told where it
 * goes ("belongs to a server"), a misspelt one gets the nearest key.
 */
export const keyPlaces: ReadonlyMap<string, readonly string[]> = placesOf([
  ['the top level', domainsFileSchema],
  ['a relay (relays.NAME)', relaySchema],
  ['a server (servers.NAME)', serverSchema],
  ['a "udp" wake', udpWakeSchema],
  ['an "ssh" wake', sshWakeSchema],
  ['a "ping" check', pingCheckSchema],
  ['a "tcp" check', tcpCheckSchema],
  ['an "http" check', httpCheckSchema],
  ['a shutdown', shutdownSchema],
  ['a schedule', scheduleSchema],
  ['a schedule window', scheduleWindowSchema],
  ['power', powerSchema],
  ['capacity', capacitySchema],
  ['podman', podmanSchema],
  ['a domain (domains.HOST)', domainSchema],
  ['a flat-form domain (one with server_ip)', flatDomainSchema],
  ['traefik', traefikSchema],
  ['an alert target (alerts[i])', alertTargetSchema],
  ['ntfy', ntfySchema]
])

function placesOf (objects: Array<[string, { shape: Record<string, unknown> }]>): Map<string, string[]> {
  const places = new Map<string, string[]>()
  for (const [place, object] of objects) {
    for (const key of Object.keys(object.shape)) places.set(key, [...(places.get(key) ?? []), place])
  }
  return places
}
