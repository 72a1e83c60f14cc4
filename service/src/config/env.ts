import { config as loadDotenv } from 'dotenv'
import { z } from 'zod'
import { HallError } from '../errors.js'
import { parseCidr, type Cidr } from './cidr.js'

/** Loopback: Traefik on the same machine (compose.yaml runs both on the host's network). */
export const DEFAULT_TRUSTED_PROXIES = '127.0.0.0/8,::1/128'
/** Loopback and the private ranges: the LAN, where the admin is used. */
export const DEFAULT_ADMIN_ALLOW = '127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7'
/** HMAC-SHA256 keys shorter than its 32-byte output weaken it. */
export const MIN_SESSION_SECRET_BYTES = 32
/** A bearer token anyone on the internet may guess at: as long as a session secret. */
export const MIN_METRICS_TOKEN_BYTES = 32

const cidrList = (defaultList: string) => z.string().default(defaultList).transform((text, ctx) => {
  const cidrs: Cidr[] = []
  for (const item of text.split(',').map(s => s.trim()).filter(s => s !== '')) {
    const cidr = parseCidr(item)
    if (cidr === null) ctx.addIssue({ code: 'custom', message: `"${item}" is not an IP address or CIDR such as 192.168.1.0/24` })
    else cidrs.push(cidr)
  }
  return cidrs
})

/** The only module that reads process.env. `.env` (dotenv) fills what the environment lacks. */
const envSchema = z.object({
  HALL_CONFIG: z.string().min(1).default('domains.json'),
  HALL_DB: z.string().min(1).default('data/hall.db'),
  HALL_HOST: z.string().min(1).default('127.0.0.1'),
  HALL_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HALL_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  HALL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HALL_LOG_PRETTY: z.enum(['auto', 'true', 'false', '1', '0']).default('auto'),
  // read by the CLI only: where the running Hall is, and the key for wake/shutdown
  HALL_URL: z.url({ protocol: /^https?$/ }).optional(),
  HALL_API_KEY: z.string().min(1).optional(),
  HALL_TRUSTED_PROXIES: cidrList(DEFAULT_TRUSTED_PROXIES),
  HALL_TRAEFIK_DIR: z.string().min(1).optional(),
  HALL_ADMIN_ALLOW: cidrList(DEFAULT_ADMIN_ALLOW),
  HALL_METRICS_TOKEN: z.string().refine(s => Buffer.byteLength(s, 'utf8') >= MIN_METRICS_TOKEN_BYTES && /^\S+$/.test(s),
    { message: `${MIN_METRICS_TOKEN_BYTES} bytes at least, no spaces` }).optional(),
  // counted in bytes, not characters: the HMAC key is the UTF-8 text
  HALL_SESSION_SECRET: z.string().refine(s => Buffer.byteLength(s, 'utf8') >= MIN_SESSION_SECRET_BYTES,
    { message: `${MIN_SESSION_SECRET_BYTES} bytes at least` }).optional(),
  // `HALL_ENERGY_PRICE=` in .env means no price, not a price of 0
  HALL_ENERGY_PRICE: z.preprocess(v => (v === '' ? undefined : v), z.coerce.number().min(0).optional()),
  HALL_CURRENCY: z.string().regex(/^[A-Za-z]{3}$/).default('EUR'),
  HALL_GATEWAY_WATTS: z.coerce.number().min(0).default(0),
  HALL_COOKIE_DOMAIN: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i).optional()
})

export interface HallEnv {
  readonly configFile: string
  readonly dbFile: string
  readonly host: string
  readonly port: number
  /** Browser-visible base URL of Hall, without a trailing slash. */
  readonly publicUrl: string
  /** False when publicUrl is only the http://localhost:PORT default. */
  readonly publicUrlSet: boolean
  readonly logLevel: z.output<typeof envSchema>['HALL_LOG_LEVEL']
  /** Readable log lines instead of JSON; null: only when stdout is a terminal. */
  readonly logPretty: boolean | null
  /** Addresses whose X-Forwarded-* headers Hall believes: only they may call /forward-auth. */
  readonly trustedProxies: readonly Cidr[]
  /** CLI: base URL of the running Hall (HALL_URL), when set. */
  readonly hallUrl: string | null
  /** CLI: the API key for wake and shutdown (HALL_API_KEY), when set. */
  readonly apiKey: string | null
  /** Where the running service keeps Traefik's file-provider YAML current (start and every reload); null: it does not. */
  readonly traefikDir: string | null
  /** Client addresses that may reach /admin (the TCP peer, or a trusted proxy's right-most X-Forwarded-For). */
  readonly adminAllow: readonly Cidr[]
  /** Opens GET /metrics from outside HALL_ADMIN_ALLOW (Authorization: Bearer); null: allow-list only. */
  readonly metricsToken: string | null
  /** Signs the admin's session cookies; null: Hall generates one and keeps it in the database. */
  readonly sessionSecret: string | null
  /** The energy report: price of a kWh (null: no money figures), its currency, and the gateway's own draw in watts. */
  readonly energy: EnergyEnv
  /**
   * The parent domain of Hall's host and of the client projects (testing.example.com): the portal's
   * session cookie is scoped to it, so members projects can check it. Null: no members project.
   */
  readonly cookieDomain: string | null
}

export interface EnergyEnv { readonly pricePerKwh: number | null, readonly currency: string, readonly gatewayWatts: number }

/** What each variable is for and what a valid value looks like: the error says this, not zod's words. */
const expected: Record<keyof z.input<typeof envSchema>, string> = {
  HALL_CONFIG: 'the path of domains.json, such as /etc/hall/domains.json',
  HALL_DB: 'the path of Hall\'s SQLite file, such as data/hall.db',
  HALL_HOST: 'the address Hall listens on, such as 127.0.0.1 or 0.0.0.0',
  HALL_PORT: 'the port Hall listens on: a whole number from 0 to 65535, such as 8080',
  HALL_PUBLIC_URL: 'the address browsers reach Hall at: an http(s) URL such as https://hall.example.com',
  HALL_LOG_LEVEL: 'one of fatal, error, warn, info, debug, trace, silent',
  HALL_LOG_PRETTY: 'true (readable log lines), false (JSON lines) or auto (readable on a terminal only)',
  HALL_URL: 'where the CLI reaches the running Hall: an http(s) URL such as http://127.0.0.1:8080',
  HALL_API_KEY: 'the API key the CLI sends for wake and shutdown (from hall apikey create)',
  HALL_TRUSTED_PROXIES: 'the proxies whose X-Forwarded-* headers Hall believes: comma-separated CIDRs such as 127.0.0.0/8,::1/128',
  HALL_TRAEFIK_DIR: 'the folder Hall writes Traefik\'s dynamic config to, such as /etc/traefik/dynamic',
  HALL_ADMIN_ALLOW: `the client addresses that may open /admin: comma-separated CIDRs such as 192.168.1.0/24,127.0.0.1 (default: ${DEFAULT_ADMIN_ALLOW})`,
  HALL_METRICS_TOKEN: `the bearer token that opens GET /metrics from outside HALL_ADMIN_ALLOW: at least ${MIN_METRICS_TOKEN_BYTES} bytes without spaces, such as the output of openssl rand -hex 32 (unset: only HALL_ADMIN_ALLOW addresses get the metrics)`,
  HALL_SESSION_SECRET: `the key that signs admin session cookies: at least ${MIN_SESSION_SECRET_BYTES} bytes, such as the output of openssl rand -base64 48 (unset: Hall makes one and keeps it in its database)`,
  HALL_ENERGY_PRICE: 'the price of one kWh for the energy report: a number such as 0.25 (unset: kWh only, no money)',
  HALL_CURRENCY: 'the currency of HALL_ENERGY_PRICE: a three-letter code such as EUR',
  HALL_COOKIE_DOMAIN: 'the parent domain of Hall\'s host and of the client projects, such as testing.example.com when Hall is at hall.testing.example.com: the portal\'s login cookie is sent to it (unset: no project may be open to members only)',
  HALL_GATEWAY_WATTS: 'what the gateway (the Pi and its switch port) draws, in watts, such as 4: subtracted from the energy saved'
}

export function readEnv (source: NodeJS.ProcessEnv = process.env, dotenvFile?: string): HallEnv {
  if (source === process.env) loadDotenv({ path: dotenvFile, quiet: true })
  const parsed = envSchema.safeParse(source)
  if (!parsed.success) {
    const lines = parsed.error.issues.map(i => {
      const name = String(i.path[0]) as keyof typeof expected
      const detail = i.code === 'custom' ? ` (${i.message})` : ''
      // a secret is never echoed back, not even into an error message
      const shown = name === 'HALL_SESSION_SECRET' || name === 'HALL_METRICS_TOKEN' ? `(${Buffer.byteLength(source[name] ?? '', 'utf8')} bytes)` : JSON.stringify(source[name] ?? '')
      return `${name}=${shown} is not valid${detail}. It is ${expected[name]}`
    })
    throw new HallError('HALL_ERR_ENV_INVALID', `invalid environment:\n  ${lines.join('\n  ')}`)
  }
  const e = parsed.data
  const publicUrl = (e.HALL_PUBLIC_URL ?? `http://localhost:${e.HALL_PORT}`).replace(/\/+$/, '')
  const cookieDomain = e.HALL_COOKIE_DOMAIN?.toLowerCase() ?? null
  if (cookieDomain !== null && !isWithin(new URL(publicUrl).hostname, cookieDomain)) {
    // a browser refuses a cookie for a domain its own host is not under: no login would ever stick
    throw new HallError('HALL_ERR_ENV_INVALID', `invalid environment:\n  HALL_COOKIE_DOMAIN=${JSON.stringify(cookieDomain)} is not valid (Hall's host ${new URL(publicUrl).hostname}, from HALL_PUBLIC_URL, is not under it). It is ${expected.HALL_COOKIE_DOMAIN}`)
  }
  return Object.freeze({
    configFile: e.HALL_CONFIG,
    dbFile: e.HALL_DB,
    host: e.HALL_HOST,
    port: e.HALL_PORT,
    publicUrl,
    publicUrlSet: e.HALL_PUBLIC_URL !== undefined,
    logLevel: e.HALL_LOG_LEVEL,
    logPretty: e.HALL_LOG_PRETTY === 'auto' ? null : e.HALL_LOG_PRETTY === 'true' || e.HALL_LOG_PRETTY === '1',
    trustedProxies: e.HALL_TRUSTED_PROXIES,
    hallUrl: e.HALL_URL ?? null,
    apiKey: e.HALL_API_KEY ?? null,
    traefikDir: e.HALL_TRAEFIK_DIR ?? null,
    adminAllow: e.HALL_ADMIN_ALLOW,
    metricsToken: e.HALL_METRICS_TOKEN ?? null,
    sessionSecret: e.HALL_SESSION_SECRET ?? null,
    energy: Object.freeze({ pricePerKwh: e.HALL_ENERGY_PRICE ?? null, currency: e.HALL_CURRENCY.toUpperCase(), gatewayWatts: e.HALL_GATEWAY_WATTS }),
    cookieDomain
  })
}

/** Whether `host` is `domain` or one of its subdomains. */
export function isWithin (host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`)
}

/**
 * A secret that domains.json names rather than holds (an alert target's token): read when it is
 * used, so a rotated value takes effect without a reload; null when the variable is unset or empty.
 */
export function readNamedSecret (variable: string, source: NodeJS.ProcessEnv = process.env): string | null {
  const value = source[variable]
  return value === undefined || value === '' ? null : value
}
