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
    base: { service: 'hall' }
  }, destination as pino.DestinationStream | undefined)
}
