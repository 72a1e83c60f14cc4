import { request } from 'undici'
import type { HallEnv } from '../config/env.js'
import { HallError } from '../errors.js'

/** What Hall answered: the status and the JSON body (null when there was none). */
export interface HallAnswer { status: number, body: unknown }

/** One deadline for the whole call: these endpoints answer at once, so a hang means trouble. */
const CALL_TIMEOUT_MS = 10_000

/** `--url`, else HALL_URL, else where `hall serve` listens with the same environment. */
export function hallBaseUrl (flag: string | undefined, env: Pick<HallEnv, 'hallUrl' | 'host' | 'port'>): string {
  const url = flag ?? env.hallUrl ?? `http://${connectableHost(env.host)}:${env.port}`
  return url.replace(/\/+$/, '')
}

/** Calls the running Hall (`body`, if any, sent as JSON); a Hall that cannot be reached throws HALL_ERR_CLI_UNREACHABLE. */
export async function callHall (baseUrl: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, apiKey?: string, body?: object): Promise<HallAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (apiKey !== undefined) headers['x-api-key'] = apiKey
  if (body !== undefined) headers['content-type'] = 'application/json'
  let res
  try {
    res = await request(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(CALL_TIMEOUT_MS) })
  } catch (err) {
    const code = errnoOf(err)
    const message = code === 'ECONNREFUSED'
      ? `Hall is not running at ${baseUrl} (set --url or HALL_URL if it runs elsewhere)`
      : `cannot reach Hall at ${baseUrl}: ${code ?? (err as Error).message}`
    throw new HallError('HALL_ERR_CLI_UNREACHABLE', message, undefined, err)
  }
  const text = await res.body.text()
  if (text === '') return { status: res.statusCode, body: null }
  try {
    return { status: res.statusCode, body: JSON.parse(text) }
  } catch (err) {
    throw new HallError('HALL_ERR_CLI_RESPONSE', `${baseUrl}${path} answered ${res.statusCode} with something other than JSON: is this Hall?`, undefined, err)
  }
}

/** A wildcard listen address is not one to connect to: use loopback of the same family. */
function connectableHost (host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

/** The OS error code, wherever undici put it: on the error, its cause, or inside an AggregateError (one per address tried). */
function errnoOf (err: unknown): string | undefined {
  let e = err as { code?: unknown, cause?: unknown, errors?: unknown[] } | undefined
  for (let depth = 0; depth < 4 && e !== undefined && e !== null; depth++) {
    if (Array.isArray(e.errors) && e.errors.length > 0) e = e.errors[0] as typeof e
    if (typeof e?.code === 'string' && e.code.startsWith('E') && !e.code.startsWith('ERR_')) return e.code
    e = e?.cause as typeof e
  }
  return undefined
}
