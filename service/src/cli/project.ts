import { parseArgs } from 'node:util'
import { assertNever } from '../assert-never.js'
import { readEnv } from '../config/env.js'
import { projectListSchema, projectSchema, type ProjectAnswer } from '../contract/projects.js'
import { HallError } from '../errors.js'
import { callHall, hallBaseUrl, type HallAnswer } from './api-client.js'
import { renderProjectList } from './project-table.js'
import { waitForProject, type Settled } from './project-wait.js'
import { UsageError } from './usage-error.js'

/** How long `add`, `edit` and `remove` wait for the pod by default: a wake (2 min) and a slow image pull. */
const DEFAULT_WAIT_SECONDS = 300

/** Command-line option -> the API's field; `number`: sent as a number. */
const fields = {
  client: { field: 'client', number: false },
  host: { field: 'host', number: false },
  server: { field: 'server', number: false },
  port: { field: 'port', number: true },
  'container-port': { field: 'container_port', number: true },
  image: { field: 'image', number: false },
  cpu: { field: 'cpu', number: true },
  memory: { field: 'memory_mib', number: true },
  disk: { field: 'disk_gib', number: true },
  access: { field: 'access', number: false }
} as const
type FieldOption = keyof typeof fields

const connection = { url: { type: 'string' }, key: { type: 'string' } } as const
const waiting = { 'no-wait': { type: 'boolean', default: false }, timeout: { type: 'string' } } as const
const fieldOptions = Object.fromEntries(Object.keys(fields).map(k => [k, { type: 'string' }])) as Record<FieldOption, { type: 'string' }>

interface Call { get: (path: string) => Promise<HallAnswer>, send: (method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: object) => Promise<HallAnswer> }

/**
 * `hall project add|list|edit|remove` through the running Hall's API (/api/projects) with an API
 * key allowed `projects`. add, edit and remove wait until the pod is played or taken down (or
 * --timeout seconds), and exit 1 with podman's reason when it failed.
 */
export async function projectCommand (args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const run = sub === undefined ? undefined : subcommands[sub]
  if (run === undefined) throw new UsageError(sub === undefined ? 'project needs a subcommand: add, list, edit or remove' : `unknown project subcommand "${sub}"`)
  return await run(rest)
}

const subcommands: Record<string, (args: string[]) => Promise<number>> = {
  async add (args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...fieldOptions, ...connection, ...waiting }, strict: true })
    const name = oneName(positionals, 'project add takes one project name: hall project add NAME --client C --host H --server S --port P --image I --cpu N --memory MIB --disk GIB')
    const missing = (['client', 'host', 'server', 'port', 'image', 'cpu', 'memory', 'disk'] as const).filter(k => values[k] === undefined)
    if (missing.length > 0) throw new UsageError(`project add needs ${missing.map(k => `--${k}`).join(', ')}`)
    const wait = waitMs(values)
    const call = connect(values)
    const answer = await call.send('POST', '/api/projects', { name, ...fieldsOf(values) })
    if (answer.status !== 202) return refused(answer)
    const created = parseProject(answer)
    if (wait === null) return say(`${name}: created; its pod is being played on ${created.server} (hall project list shows how it ends)`)
    return outcome(await waitForProject(call.get, name, wait), name, 'provisioning', wait)
  },
  async list (args) {
    const { values } = parseArgs({ args, options: { ...connection, json: { type: 'boolean', default: false } }, strict: true })
    const answer = await connect(values).get('/api/projects')
    if (answer.status !== 200) return refused(answer)
    const parsed = projectListSchema.safeParse(answer.body)
    if (!parsed.success) throw notUnderstood('/api/projects')
    process.stdout.write(values.json ? `${JSON.stringify(parsed.data, null, 2)}\n` : renderProjectList(parsed.data))
    return 0
  },
  async edit (args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...fieldOptions, ...connection, ...waiting }, strict: true })
    const name = oneName(positionals, 'project edit takes one project name: hall project edit NAME [--image I] [--memory MIB] ...')
    const changes = fieldsOf(values)
    if (Object.keys(changes).length === 0) throw new UsageError(`project edit needs a field to change: ${Object.keys(fields).map(k => `--${k}`).join(', ')}`)
    const wait = waitMs(values)
    const call = connect(values)
    const answer = await call.send('PATCH', `/api/projects/${encodeURIComponent(name)}`, changes)
    if (answer.status !== 200 && answer.status !== 202) return refused(answer)
    const changed = parseProject(answer)
    const what = Object.keys(changes).join(', ')
    if (answer.status === 200) return say(`${name}: changed (${what}); its pod stays as it was`)
    if (wait === null) return say(`${name}: changed (${what}); its pod is being played again on ${changed.server}`)
    return outcome(await waitForProject(call.get, name, wait), name, 'provisioning', wait)
  },
  async remove (args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...connection, ...waiting, force: { type: 'boolean', default: false } }, strict: true })
    const name = oneName(positionals, 'project remove takes one project name: hall project remove NAME [--force]')
    const wait = waitMs(values)
    const call = connect(values)
    const answer = await call.send('DELETE', `/api/projects/${encodeURIComponent(name)}${values.force ? '?force=true' : ''}`)
    if (answer.status !== 202) return refused(answer)
    const removing = parseProject(answer)
    if (wait === null) return say(`${name}: its pod is being taken down on ${removing.server}; the project goes once it is`)
    return outcome(await waitForProject(call.get, name, wait), name, 'removing', wait)
  }
}

function connect (values: { url?: string, key?: string }): Call {
  const env = readEnv()
  const key = values.key ?? env.apiKey
  if (key === null || key === '') {
    throw new UsageError('project needs an API key allowed "projects": set HALL_API_KEY or pass --key KEY (make one with: hall apikey create --name NAME --actions projects)', false)
  }
  const baseUrl = hallBaseUrl(values.url, env)
  return {
    get: async path => await callHall(baseUrl, 'GET', path, key),
    send: async (method, path, body) => await callHall(baseUrl, method, path, key, body)
  }
}

function oneName (positionals: string[], usage: string): string {
  const name = positionals[0]
  if (name === undefined || positionals.length > 1) throw new UsageError(usage)
  return name
}

/** The given options in the API's words; numbers checked here, every other rule by Hall. */
function fieldsOf (values: Partial<Record<FieldOption, string>>): Record<string, string | number> {
  const body: Record<string, string | number> = {}
  for (const [option, { field, number }] of Object.entries(fields) as Array<[FieldOption, typeof fields[FieldOption]]>) {
    const text = values[option]
    if (text === undefined) continue
    if (number && !/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`--${option} takes a number, not "${text}"`, false)
    body[field] = number ? Number(text) : text
  }
  return body
}

/** How long to wait for the pod (--timeout, in seconds), or null with --no-wait. */
function waitMs (values: { 'no-wait'?: boolean, timeout?: string }): number | null {
  if (values['no-wait'] === true) return null
  if (values.timeout === undefined) return DEFAULT_WAIT_SECONDS * 1000
  const seconds = Number(values.timeout)
  if (!/^\d+$/.test(values.timeout) || seconds < 1) throw new UsageError(`--timeout takes whole seconds, not "${values.timeout}"`, false)
  return seconds * 1000
}

function outcome (settled: Settled, name: string, underWay: 'provisioning' | 'removing', waitedMs: number): number {
  switch (settled.kind) {
    case 'ready':
      return say(`${name}: ready at ${settled.project.url} (pod played on ${settled.project.server})`)
    case 'removed':
      return say(`${name}: removed`)
    case 'error':
      process.stderr.write(`${name}: ${settled.project.status_reason ?? 'failed'}\n`)
      if (underWay === 'removing') process.stderr.write(`(to forget it anyway: hall project remove ${name} --force)\n`)
      return 1
    case 'still-running':
      process.stderr.write(`${name}: still ${underWay} after ${Math.round(waitedMs / 1000)} s (a wake or an image pull can take that long): hall project list shows how it ends\n`)
      return 1
    default:
      return assertNever(settled)
  }
}

function say (line: string): number {
  process.stdout.write(`${line}\n`)
  return 0
}

/** Hall said no: its code and message (what is left, for an allocation that does not fit), exit 1. */
function refused (answer: HallAnswer): number {
  const body = (answer.body ?? {}) as Record<string, unknown>
  const line = `${String(body.error ?? `HTTP ${answer.status}`)}: ${String(body.message ?? 'unexpected answer')}`
  const hint = answer.status === 401 ? ' (Hall refused the key: check HALL_API_KEY or --key, and that the key is not revoked)' : ''
  process.stderr.write(`${line}${hint}\n`)
  return 1
}

function parseProject (answer: HallAnswer): ProjectAnswer {
  const parsed = projectSchema.safeParse(answer.body)
  if (!parsed.success) throw notUnderstood('/api/projects')
  return parsed.data
}

function notUnderstood (path: string): HallError {
  return new HallError('HALL_ERR_CLI_RESPONSE', `${path} answered something this CLI does not understand: is Hall the same version as the CLI?`)
}
