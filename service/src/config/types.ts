/**
 * The configuration as the rest of Hall sees it: normalised (flat form expanded, MACs canonical,
 * hosts lower-case), units converted to milliseconds once, and frozen. `config/load.ts` builds it.
 */
export type Policy = 'always_on' | 'scheduled' | 'on_demand'

export interface RelayConfig {
  readonly name: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly privateKeyFile: string
  /** `SHA256:<base64>` as `ssh-keygen -lf` prints it, or the explicit opt-out. */
  readonly hostKeySha256: string | 'insecure-accept-any'
  /** Whole-command deadline: connect, handshake, run, exit. */
  readonly commandTimeoutMs: number
}

export type WakeConfig =
  | {
    readonly method: 'udp'
    readonly broadcast: string
    readonly port: number
    /** SecureOn password as 6 bytes, or null. */
    readonly secureOn: Buffer | null
  }
  | {
    readonly method: 'ssh'
    readonly relay: RelayConfig
    /** Template with `{mac}`, `{ip}`, `{broadcast}` placeholders. */
    readonly command: string
    readonly broadcast: string
  }

export type StatusMatcher =
  | { readonly kind: 'codes', readonly codes: readonly number[] }
  | { readonly kind: 'class', readonly hundreds: number } // "2xx" -> 2
  | { readonly kind: 'below', readonly limit: number } // implicit upstream check: any status < 500

export type HealthCheck =
  | { readonly type: 'ping', readonly host: string }
  | { readonly type: 'tcp', readonly host: string, readonly port: number }
  | {
    readonly type: 'http'
    readonly url: string
    readonly expectStatus: StatusMatcher
    readonly expectBody: string | null
    /** Self-signed certificates are the norm on LAN servers. */
    readonly insecureTls: boolean
  }

export interface ShutdownConfig {
  readonly relay: RelayConfig
  readonly command: string
  /** Exit code 0 means busy: the shutdown is vetoed. */
  readonly busyCheck: string | null
  /** How long the host may keep answering after the command before it is an error. */
  readonly offTimeoutMs: number
}

export interface ScheduleWindow {
  readonly days: readonly Weekday[]
  /** Minutes after local midnight. */
  readonly fromMinute: number
  readonly toMinute: number
}
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'
export interface ScheduleConfig { readonly timezone: string, readonly windows: readonly ScheduleWindow[] }

/** Watts for the energy report; bootWatts (WAKING, BOOTING) is onWatts unless the file says otherwise. */
export interface PowerConfig { readonly onWatts: number, readonly offWatts: number, readonly bootWatts: number }

/** CPU cores, memory and disk: a server's capacity for client projects, or one project's share of it. */
export interface Allocation { readonly cpu: number, readonly memoryMib: number, readonly diskGib: number }

/** A server that hosts client projects: what they may use in total, and how Hall runs Podman there. */
export interface ProjectHosting { readonly capacity: Allocation, readonly relay: RelayConfig }

export interface ServerConfig {
  readonly name: string
  readonly ip: string
  /** Canonical `aa:bb:cc:dd:ee:ff`. */
  readonly mac: string
  readonly policy: Policy
  readonly wake: WakeConfig
  /** Never empty: without an HTTP check, its domains' upstreams are checked (any status below 500 is ready). */
  readonly health: readonly HealthCheck[]
  readonly probeIntervalMs: number
  readonly probeTimeoutMs: number
  readonly wakeTimeoutMs: number
  readonly idleShutdownMs: number | null
  readonly shutdown: ShutdownConfig | null
  readonly schedule: ScheduleConfig | null
  readonly power: PowerConfig | null
  /** Null: the server hosts no client projects. */
  readonly projects: ProjectHosting | null
}

/** Which requests may wake a server and keep it awake. */
export type WakeOn = 'browser' | 'any' | 'never'

export interface DomainConfig {
  /** Lower-case host name without port. */
  readonly host: string
  readonly server: string
  readonly upstream: string
  readonly listed: boolean
  readonly wakeOn: WakeOn
  /** Case-insensitive; a match neither wakes the server nor counts as activity. */
  readonly ignoreUserAgents: readonly RegExp[]
  /** The upstream's certificate is self-signed: the proxy does not verify it. */
  readonly insecureTls: boolean
  /** Where a browser opens the domain, for the home page's link; unset: https://{host}/, Traefik's. `hall demo` sets its proxy. */
  readonly publicUrl?: string
  /** The client project this domain publishes (its access rule lives with the project); null for the file's domains. */
  readonly project: string | null
}

export interface TraefikConfig {
  readonly entryPoint: string
  readonly certResolver: string | null
  /** Where Traefik reaches Hall, without a trailing slash. */
  readonly hallUrl: string
}

export interface HallConfig {
  readonly servers: ReadonlyMap<string, ServerConfig>
  readonly relays: ReadonlyMap<string, RelayConfig>
  readonly domains: ReadonlyMap<string, DomainConfig>
  readonly traefik: TraefikConfig
  /** Where alerts go; empty: none are sent. */
  readonly alerts: readonly AlertTarget[]
}

/** What an alert is about; the file's words (`wake_failed`...). */
export type AlertEvent = 'wake_failed' | 'always_on_down' | 'flapping' | 'shutdown_failed' | 'config_rejected'

/** A header value as written, or the name of the environment variable holding it (a secret). */
export type HeaderValue = { readonly kind: 'text', readonly text: string } | { readonly kind: 'env', readonly variable: string }

export type AlertDestination =
  | { readonly kind: 'webhook', readonly url: string, readonly headers: ReadonlyMap<string, HeaderValue> }
  | { readonly kind: 'ntfy', readonly url: string, readonly topic: string, readonly tokenEnv: string | null }

export interface AlertTarget {
  /** Its `name`, else `alerts[i]`: what the log shows instead of the URL. */
  readonly label: string
  readonly destination: AlertDestination
  readonly events: ReadonlySet<AlertEvent>
  readonly downAfterMs: number
  readonly flappingChangesPerHour: number
}
