import { createRequire } from 'node:module'
import { pino, type Logger } from 'pino'

/** Paths pino blanks before a line is written: credentials never reach a log. */
const REDACT = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]',
  'headers.authorization', 'headers.cookie', 'headers["x-api-key"]',
  '*.privateKey', '*.password', '*.secret'
]

export interface LoggerOptions {
  /** Readable lines (pino-pretty) instead of JSON; null or unset: only when stdout is a terminal. */
  readonly pretty?: boolean | null
  /** The module that formats readable lines; a test names a missing one to see the fallback. */
  readonly prettyModule?: string
}

/**
 * Hall's logger: JSON lines to `destination` (default stdout), or readable lines on a terminal.
 * Redaction happens in pino, before either format: a pretty line hides what a JSON line hides.
 */
export function createLogger (level: string, destination?: NodeJS.WritableStream, options: LoggerOptions = {}): Logger {
  const wantsPretty = options.pretty ?? (destination === undefined && process.stdout.isTTY === true)
  const pretty = wantsPretty ? loadPretty(options.prettyModule ?? 'pino-pretty', destination) : null
  const log = pino({
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    // ahead of Fastify's own request serializer, which would log the query string
    serializers: { req: requestSummary },
    base: { service: 'hall' }
  }, (pretty ?? destination) as pino.DestinationStream | undefined)
  if (wantsPretty && pretty === null) log.warn('pino-pretty is not installed (a production install leaves out dev dependencies): logging JSON')
  return log
}

type PrettyFactory = (options: object) => NodeJS.WritableStream

/** pino-pretty is a dev dependency: absent after `npm prune --omit=dev`, and then null. */
function loadPretty (name: string, destination: NodeJS.WritableStream | undefined): NodeJS.WritableStream | null {
  let factory: PrettyFactory
  try {
    // required, not imported: loaded only when asked for, and synchronously, before the first line
    factory = createRequire(import.meta.url)(name) as PrettyFactory
  } catch {
    return null
  }
  return factory({
    colorize: destination === undefined && process.stdout.isTTY === true,
    ...(destination === undefined ? {} : { destination }),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    sync: true // a line written before a crash is a line on the screen
  })
}

interface LoggedRequest {
  readonly method?: string
  readonly url?: string
  readonly host?: string
  readonly ip?: string
  readonly socket?: { readonly remotePort?: number }
}

/**
 * A request as the log shows it: the path without its query, which may carry a token (the
 * waiting page's `?to=` holds the whole original URL, query included).
 */
export function requestSummary (req: LoggedRequest): object {
  const url = req.url ?? ''
  const queryAt = url.indexOf('?')
  return {
    method: req.method,
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort
  }
}
