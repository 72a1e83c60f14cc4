import { config as loadDotenv } from 'dotenv'
import { z } from 'zod'
import { HallError } from '../errors.js'
import { parseCidr, type Cidr } from './cidr.js'

/** Loopback: Traefik on the same machine (compose.yaml runs both on the host's network). */
export const DEFAULT_TRUSTED_PROXIES = '127.0.0.0/8,::1/128'

const cidrList = z.string().default(DEFAULT_TRUSTED_PROXIES).transform((text, ctx) => {
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
  // read by the CLI only: where the running Hall is, and the key for wake/shutdown
  HALL_URL: z.url({ protocol: /^https?$/ }).optional(),
  HALL_API_KEY: z.string().min(1).optional(),
  HALL_TRUSTED_PROXIES: cidrList,
  HALL_TRAEFIK_DIR: z.string().min(1).optional()
})

export interface HallEnv {
  readonly configFile: string
  readonly dbFile: string
  readonly host: string
  readonly port: number
  /** Browser-visible base URL of Hall, without a trailing slash. */
  readonly publicUrl: string
  readonly logLevel: z.output<typeof envSchema>['HALL_LOG_LEVEL']
  /** Addresses whose X-Forwarded-* headers Hall believes: only they may call /forward-auth. */
  readonly trustedProxies: readonly Cidr[]
  /** CLI: base URL of the running Hall (HALL_URL), when set. */
  readonly hallUrl: string | null
  /** CLI: the API key for wake and shutdown (HALL_API_KEY), when set. */
  readonly apiKey: string | null
  /** Where the running service keeps Traefik's file-provider YAML current (start and every reload); null: it does not. */
  readonly traefikDir: string | null
}

export function readEnv (source: NodeJS.ProcessEnv = process.env, dotenvFile?: string): HallEnv {
  if (source === process.env) loadDotenv({ path: dotenvFile, quiet: true })
  const parsed = envSchema.safeParse(source)
  if (!parsed.success) {
    const lines = parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`)
    throw new HallError('HALL_ERR_ENV_INVALID', `invalid environment:\n  ${lines.join('\n  ')}`)
  }
  const e = parsed.data
  const publicUrl = (e.HALL_PUBLIC_URL ?? `http://localhost:${e.HALL_PORT}`).replace(/\/+$/, '')
  return Object.freeze({
    configFile: e.HALL_CONFIG,
    dbFile: e.HALL_DB,
    host: e.HALL_HOST,
    port: e.HALL_PORT,
    publicUrl,
    logLevel: e.HALL_LOG_LEVEL,
    trustedProxies: e.HALL_TRUSTED_PROXIES,
    hallUrl: e.HALL_URL ?? null,
    apiKey: e.HALL_API_KEY ?? null,
    traefikDir: e.HALL_TRAEFIK_DIR ?? null
  })
}
