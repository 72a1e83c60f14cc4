import { parseArgs } from 'node:util'
import { readEnv } from '../config/env.js'
import { callHall, hallBaseUrl, type HallAnswer } from './api-client.js'
import { UsageError } from './usage-error.js'

export type ControlAction = 'wake' | 'shutdown'

const endpoints: Record<ControlAction, { path: string, idField: string }> = {
  wake: { path: '/api/wol/', idField: 'wake_id' },
  shutdown: { path: '/api/shutdown/', idField: 'shutdown_id' }
}

/**
 * `hall wake|shutdown SERVER [--url URL] [--key KEY]` through the running Hall's API. Exit 0 when
 * the action started, is under way or is not needed; 1 when Hall refused it or could not be reached.
 */
export async function runControl (action: ControlAction, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true, options: { url: { type: 'string' }, key: { type: 'string' } }, strict: true
  })
  const server = positionals[0]
  if (server === undefined || positionals.length > 1) throw new UsageError(`${action} takes one server name`)
  const env = readEnv()
  const key = values.key ?? env.apiKey
  if (key === null || key === '') throw new UsageError(`${action} needs an API key: set HALL_API_KEY or pass --key KEY (make one with: hall apikey create --name NAME)`, false)
  const answer = await callHall(hallBaseUrl(values.url, env), 'POST', `${endpoints[action].path}${encodeURIComponent(server)}`, key)
  const { text, ok } = describeAnswer(action, server, answer)
  ;(ok ? process.stdout : process.stderr).write(`${text}\n`)
  return ok ? 0 : 1
}

/** One line for a person, for every answer the endpoint can give. */
export function describeAnswer (action: ControlAction, server: string, answer: HallAnswer): { text: string, ok: boolean } {
  const body = (answer.body ?? {}) as Record<string, unknown>
  const id = body[endpoints[action].idField]
  const idText = typeof id === 'number' ? ` (id ${id})` : ''
  const state = typeof body.state === 'string' ? body.state : 'unknown'
  const error = `${String(body.error ?? `HTTP ${answer.status}`)}: ${String(body.message ?? 'unexpected answer')}`
  switch (answer.status) {
    case 200:
      return { text: `${server}: ${action === 'wake' ? 'already up' : 'already off'} (${state})`, ok: true }
    case 202:
      return body.outcome === 'in-flight'
        ? { text: `${server}: a ${action} is already under way${idText}, state ${state}`, ok: true }
        : { text: `${server}: ${action} started${idText}, state ${state}`, ok: true }
    case 401:
      return { text: `${error} (Hall refused the key: check HALL_API_KEY or --key, and that the key is not revoked)`, ok: false }
    case 409:
      return { text: `${server}: ${action} refused (${state}): ${String(body.message ?? '')}`, ok: false }
    default:
      return { text: error, ok: false }
  }
}
