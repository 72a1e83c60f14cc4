import { config as loadDotenv } from 'dotenv'
import { z } from 'zod'
import { HallError } from '../errors.js'

/** The only module that reads process.env. `.env` (dotenv) fills what the environment lacks. */
const envSchema = z.object({
  HALL_CONFIG: z.string().min(1).default('domains.json'),
  HALL_DB: z.string().min(1).default('data/hall.db'),
  HALL_HOST: z.string().min(1).default('127.0.0.1'),
  HALL_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HALL_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  HALL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
})

export interface HallEnv {
  readonly configFile: string
  readonly dbFile: string
  readonly host: string
  readonly port: number
  /** Browser-visible base URL of Hall, without a trailing slash. */
  readonly publicUrl: string
  readonly logLevel: z.output<typeof envSchema>['HALL_LOG_LEVEL']
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
  return Object.freeze({ configFile: e.HALL_CONFIG, dbFile: e.HALL_DB, host: e.HALL_HOST, port: e.HALL_PORT, publicUrl, logLevel: e.HALL_LOG_LEVEL })
}
