/** How a code reaches an HTTP client: the status it answers with, and the message anyone may read. */
export interface ErrorSpec {
  readonly status: number
  /** Generic on purpose: a HallError's own message may name hosts, users, key files; this never does. */
  readonly message: string
}

// If one of these ever reached an answer it would be a bug, and the client must learn nothing from it.
const internal = { status: 500, message: 'internal error' } as const

/**
 * Every error code Hall emits, with its HTTP status and public message. Logs, JSON answers and
 * tests match on the codes; a code is never reused. Codes that never reach HTTP (config, store,
 * power, CLI) are 500 "internal error": an answer must not describe Hall's insides.
 */
export const errorTable = {
  // configuration, environment, start-up: refused before anything listens
  HALL_ERR_CONFIG_INVALID: internal,
  HALL_ERR_CONFIG_READ: internal,
  HALL_ERR_CONFIG_RELOAD: internal,
  HALL_ERR_ENV_INVALID: internal,
  HALL_ERR_STORE_OPEN: internal,
  HALL_ERR_STORE_MIGRATION: internal,
  // another process has the database: a second Hall (refused at start), or a lock that keeps Hall's queued writes out
  HALL_ERR_STORE_IN_USE: internal,
  HALL_ERR_HTTP_LISTEN: internal,

  // wakes and shutdowns: recorded on the wake or shutdown (the status JSON shows its own summary)
  HALL_ERR_WAKE_SEND: internal,
  HALL_ERR_WAKE_TIMEOUT: internal,
  HALL_ERR_WAKE_CANCELLED: internal,
  HALL_ERR_SHUTDOWN_SEND: internal,
  HALL_ERR_SHUTDOWN_TIMEOUT: internal,
  HALL_ERR_SHUTDOWN_CANCELLED: internal,
  HALL_ERR_SSH_HOST_KEY_MISMATCH: internal,
  HALL_ERR_SSH_CONNECT: internal,
  HALL_ERR_SSH_AUTH: internal,
  HALL_ERR_SSH_KEY_FILE: internal,
  HALL_ERR_SSH_DEADLINE: internal,
  HALL_ERR_SSH_EXIT_STATUS: internal,

  // the command line: printed to the person who ran it
  HALL_ERR_CLI_UNREACHABLE: internal,
  HALL_ERR_CLI_RESPONSE: internal,
  HALL_ERR_API_KEY_NAME_INVALID: internal,
  HALL_ERR_API_KEY_NAME_TAKEN: internal,
  HALL_ERR_API_KEY_SCOPE_INVALID: internal,
  HALL_ERR_API_KEY_UNKNOWN: internal,

  // answers over HTTP
  HALL_ERR_HTTP_BAD_REQUEST: { status: 400, message: 'bad request' },
  HALL_ERR_HTTP_NOT_FOUND: { status: 404, message: 'not found' },
  HALL_ERR_HTTP_BODY_TOO_LARGE: { status: 413, message: 'the request body is too large' },
  HALL_ERR_HTTP_TOO_MANY_STREAMS: { status: 503, message: 'too many open event streams; poll /api/status instead' },
  HALL_ERR_DOMAIN_UNKNOWN: { status: 404, message: 'Hall does not serve this domain' },
  HALL_ERR_SERVER_UNKNOWN: { status: 404, message: 'Hall has no server of that name' },
  HALL_ERR_FORWARDED_HOST_MISSING: { status: 404, message: 'X-Forwarded-Host is missing or not a host name' },
  HALL_ERR_UNTRUSTED_PROXY: { status: 403, message: 'answered only to the proxies in HALL_TRUSTED_PROXIES' },
  HALL_ERR_API_KEY_INVALID: { status: 401, message: 'a valid X-API-Key header is required' },
  HALL_ERR_API_KEY_FORBIDDEN: { status: 403, message: 'this API key may not do that' },
  HALL_ERR_API_KEY_RATE_LIMITED: { status: 429, message: 'too many refused API keys from this address; retry later' },
  HALL_ERR_HTTP_RATE_LIMITED: { status: 429, message: 'too many requests from this address; retry later' },
  HALL_ERR_WAKE_REFUSED: { status: 409, message: 'the wake was refused' },
  HALL_ERR_SHUTDOWN_REFUSED: { status: 409, message: 'the shutdown was refused' },
  // a request arriving during a graceful stop: the proxy should retry, nothing is broken
  HALL_ERR_SHUTTING_DOWN: { status: 503, message: 'Hall is shutting down' },

  // the admin (/admin) and its accounts; outside HALL_ADMIN_ALLOW the answer gives no hint at all
  HALL_ERR_ADMIN_NOT_ALLOWED: { status: 403, message: 'forbidden' },
  HALL_ERR_ADMIN_LOGIN_REQUIRED: { status: 401, message: 'log in first' },
  HALL_ERR_ADMIN_FORBIDDEN: { status: 403, message: 'this account may only look, not change anything' },
  HALL_ERR_ADMIN_CSRF: { status: 403, message: 'the form is out of date or did not come from Hall: reload the page and try again' },
  HALL_ERR_ADMIN_LOGIN_LOCKED: { status: 429, message: 'too many failed logins: try again later' },
  HALL_ERR_ACCOUNT_NAME_INVALID: { status: 400, message: 'invalid account name' },
  HALL_ERR_ACCOUNT_NAME_TAKEN: { status: 409, message: 'an account with that name already exists' },
  HALL_ERR_ACCOUNT_PASSWORD_WEAK: { status: 400, message: 'the password is too short' },
  HALL_ERR_ACCOUNT_UNKNOWN: { status: 404, message: 'no such account' },

  // client projects: their gate (forward-auth), the portal at /login, and their management
  HALL_ERR_PROJECT_LOGIN_REQUIRED: { status: 401, message: 'this project is open to its members only: log in first' },
  HALL_ERR_PROJECT_FORBIDDEN: { status: 403, message: 'this account may not reach this project' },
  HALL_ERR_PROJECT_CERTIFICATE: { status: 403, message: 'this project needs a registered TLS client certificate' },
  HALL_ERR_PROJECT_INVALID: { status: 400, message: 'invalid project' },
  HALL_ERR_PROJECT_CONFLICT: { status: 409, message: 'the project conflicts with another one or with the config' },
  HALL_ERR_PROJECT_CAPACITY: { status: 409, message: 'the server has not enough capacity left for this allocation' },
  HALL_ERR_PROJECT_UNKNOWN: { status: 404, message: 'no such project' },
  HALL_ERR_PROJECT_BUSY: { status: 409, message: 'the project is being provisioned or removed: wait for it to finish' },
  HALL_ERR_CERTIFICATE_INVALID: { status: 400, message: 'not a PEM certificate' },

  // GET /metrics: HALL_ADMIN_ALLOW addresses, or anyone with HALL_METRICS_TOKEN
  HALL_ERR_METRICS_NOT_ALLOWED: { status: 403, message: 'forbidden' },
  HALL_ERR_METRICS_TOKEN_INVALID: { status: 401, message: 'a valid Authorization: Bearer token is required' },
  HALL_ERR_INTERNAL: internal
} as const satisfies Record<`HALL_ERR_${string}`, ErrorSpec>

export type ErrorCode = keyof typeof errorTable

export function httpStatusOf (code: ErrorCode): number {
  return errorTable[code].status
}

export function publicMessageOf (code: ErrorCode): string {
  return errorTable[code].message
}

export class HallError extends Error {
  constructor (readonly code: ErrorCode, message: string, readonly details?: unknown, cause?: unknown) {
    super(message, { cause })
    this.name = 'HallError'
  }
}

export function isHallError (err: unknown, code?: ErrorCode): err is HallError {
  return err instanceof HallError && (code === undefined || err.code === code)
}
