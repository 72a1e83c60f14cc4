import { pino, type Logger } from 'pino'

/** Paths pino blanks before a line is written: credentials never reach a log. */
const REDACT = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]',
  'headers.authorization', 'headers.cookie', 'headers["x-api-key"]',
  '*.privateKey', '*.password', '*.secret'
]

export function createLogger (level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({
    level,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: '[redacted]' },
    // ahead of Fastify's own request serializer, which would log the query string
    serializers: { req: requestSummary },
    base: { service: 'hall' }
  }, destination as pino.DestinationStream | undefined)
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
