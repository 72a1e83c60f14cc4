/** Every error code Hall emits. Logs, JSON answers and tests match on these; a code is never reused. */
export const errorCodes = [
  'HALL_ERR_CONFIG_INVALID',
  'HALL_ERR_CONFIG_READ',
  'HALL_ERR_ENV_INVALID',
  'HALL_ERR_DOMAIN_UNKNOWN',
  'HALL_ERR_FORWARDED_HOST_MISSING',
  'HALL_ERR_SERVER_UNKNOWN',
  'HALL_ERR_WAKE_SEND',
  'HALL_ERR_WAKE_TIMEOUT',
  'HALL_ERR_SHUTDOWN_SEND',
  'HALL_ERR_SHUTDOWN_TIMEOUT',
  'HALL_ERR_SHUTDOWN_CANCELLED',
  'HALL_ERR_WAKE_CANCELLED',
  'HALL_ERR_UNTRUSTED_PROXY',
  'HALL_ERR_CONFIG_RELOAD',
  'HALL_ERR_SSH_HOST_KEY_MISMATCH',
  'HALL_ERR_SSH_CONNECT',
  'HALL_ERR_SSH_AUTH',
  'HALL_ERR_SSH_KEY_FILE',
  'HALL_ERR_SSH_DEADLINE',
  'HALL_ERR_SSH_EXIT_STATUS',
  'HALL_ERR_STORE_OPEN',
  'HALL_ERR_STORE_MIGRATION',
  'HALL_ERR_HTTP_BAD_REQUEST',
  'HALL_ERR_HTTP_LISTEN',
  'HALL_ERR_HTTP_NOT_FOUND',
  'HALL_ERR_HTTP_TOO_MANY_STREAMS',
  'HALL_ERR_HTTP_BODY_TOO_LARGE',
  'HALL_ERR_API_KEY_INVALID',
  'HALL_ERR_API_KEY_FORBIDDEN',
  'HALL_ERR_API_KEY_RATE_LIMITED',
  'HALL_ERR_API_KEY_NAME_INVALID',
  'HALL_ERR_API_KEY_NAME_TAKEN',
  'HALL_ERR_API_KEY_SCOPE_INVALID',
  'HALL_ERR_API_KEY_UNKNOWN',
  'HALL_ERR_WAKE_REFUSED',
  'HALL_ERR_SHUTDOWN_REFUSED',
  'HALL_ERR_CLI_UNREACHABLE',
  'HALL_ERR_CLI_RESPONSE',
  'HALL_ERR_INTERNAL'
] as const

export type ErrorCode = typeof errorCodes[number]

export class HallError extends Error {
  constructor (readonly code: ErrorCode, message: string, readonly details?: unknown, cause?: unknown) {
    super(message, { cause })
    this.name = 'HallError'
  }
}

export function isHallError (err: unknown, code?: ErrorCode): err is HallError {
  return err instanceof HallError && (code === undefined || err.code === code)
}
