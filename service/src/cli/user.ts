import { userInfo } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { readEnv } from '../config/env.js'
import { HallError } from '../errors.js'
import { checkAccountName, checkPassword, createAccounts, isAccountRole, type AccountRole, type Accounts } from '../store/accounts.js'
import { createEvents, type Events } from '../store/events.js'
import { createProjects, type Projects } from '../store/projects.js'
import type { Project } from '../projects/types.js'
import { hashPasswordSync } from '../store/password-hash.js'
import { formatAgo, formatDateTime, renderTable } from './format.js'
import { readNewPassword } from './read-password.js'
import { asUsage as asUsageOf, withDatabase } from './database-command.js'
import { UsageError } from './usage-error.js'

/**
 * `hall user add|passwd|list|remove`: the accounts (admins, viewers, and clients of projects), on
 * the database (HALL_DB) directly, so the first account can be made before Hall first runs. A
 * running Hall sees a change within seconds: a new password or a removed account ends that
 * account's sessions there too, and a new client reaches its projects.
 */
export async function userCommand (args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const run = sub === undefined ? undefined : subcommands[sub]
  if (run === undefined) throw new UsageError(sub === undefined ? 'user needs a subcommand: add, passwd, list or remove' : `unknown user subcommand "${sub}"`)
  return await run(rest)
}

const subcommands: Record<string, (args: string[]) => Promise<number>> = {
  async add (args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { role: { type: 'string' }, project: { type: 'string', multiple: true } }, strict: true })
    const name = oneName(positionals, 'user add takes one account name: hall user add NAME [--role admin|viewer|client] [--project P ...]')
    if (values.role !== undefined && !isAccountRole(values.role)) throw new UsageError(`--role must be admin, viewer or client, not "${values.role}"`)
    const projectNames = [...new Set(values.project ?? [])]
    if (projectNames.length > 0 && values.role !== 'client') throw new UsageError('--project is for client accounts: add --role client (admins reach every project already)', false)
    const dbFile = readEnv().dbFile
    // before the password is asked for: a typo in a project name is told at once
    withStore(dbFile, ({ projects }) => projectsNamed(projects, projectNames))
    // the first account must be able to do everything; later ones see and change nothing unless told
    const role: AccountRole = values.role as AccountRole | undefined ?? (withStore(dbFile, ({ accounts }) => accounts.count()) === 0 ? 'admin' : 'viewer')
    const passwordHash = hashPasswordSync(await newPassword())
    withStore(dbFile, ({ accounts, events, projects }) => {
      const reached = projectsNamed(projects, projectNames) // again: one may have gone while the password was typed
      asUsage(() => accounts.add({ name, role, passwordHash, now: Date.now() }))
      record(events, 'account-added', `account "${name}" (${role}) added from the command line`, { name, role })
      const id = accounts.find(name)!.id
      for (const p of reached) {
        projects.addMember(p.id, id)
        record(events, 'project-member-added', `${name} may now reach project ${p.name}`, { name, project: p.name }, p.server)
      }
    })
    const where = role === 'client' ? `HALL_PUBLIC_URL/login${projectNames.length === 0 ? '' : ` and reach ${projectNames.join(', ')}`}` : 'HALL_PUBLIC_URL/admin'
    process.stdout.write(`added account "${name}" (${role}) in ${path.resolve(dbFile)}: log in at ${where}\n`)
    return 0
  },
  async passwd (args) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {}, strict: true })
    const name = oneName(positionals, 'user passwd takes one account name')
    const dbFile = readEnv().dbFile
    withStore(dbFile, ({ accounts }) => { if (accounts.find(name) === null) throw unknown(name) })
    const passwordHash = hashPasswordSync(await newPassword())
    withStore(dbFile, ({ accounts, events }) => {
      if (!accounts.setPasswordHash(name, passwordHash, Date.now())) throw unknown(name)
      record(events, 'account-password-changed', `password of "${name}" changed from the command line: its sessions are ended`, { name })
    })
    process.stdout.write(`changed the password of "${name}": its sessions are ended\n`)
    return 0
  },
  async list (args) {
    parseArgs({ args, options: {}, strict: true })
    const { records, members } = withStore(readEnv().dbFile, ({ accounts, projects }) => ({ records: accounts.list(), members: projects.members() }))
    if (records.length === 0) {
      process.stdout.write('no accounts (make the first one with: hall user add NAME)\n')
      return 0
    }
    const now = Date.now()
    const projectsOf = (id: number): string => members.filter(m => m.userId === id).map(m => m.project).join(',') || '-'
    process.stdout.write(renderTable(['NAME', 'ROLE', 'PROJECTS', 'CREATED', 'PASSWORD SET', 'LAST LOGIN'], records.map(a => [
      a.name, a.role, a.role === 'client' ? projectsOf(a.id) : 'all', formatDateTime(a.createdAt), formatDateTime(a.passwordChangedAt),
      a.lastLoginAt === null ? 'never' : formatAgo(a.lastLoginAt, now)
    ])))
    return 0
  },
  async remove (args) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {}, strict: true })
    const name = oneName(positionals, 'user remove takes one account name')
    withStore(readEnv().dbFile, ({ accounts, events }) => {
      if (!accounts.remove(name)) throw unknown(name)
      record(events, 'account-removed', `account "${name}" removed from the command line`, { name })
    })
    process.stdout.write(`removed account "${name}" and its sessions\n`)
    return 0
  }
}

function oneName (positionals: string[], usage: string): string {
  const name = positionals[0]
  if (name === undefined || positionals.length > 1) throw new UsageError(usage)
  asUsage(() => checkAccountName(name))
  return name
}

async function newPassword (): Promise<string> {
  const password = await readNewPassword()
  asUsage(() => checkPassword(password))
  return password
}

/** The projects of these names, or a bad argument naming the first unknown one. */
function projectsNamed (projects: Projects, names: readonly string[]): Project[] {
  const all = projects.all()
  return names.map(name => {
    const found = all.find(p => p.name === name.toLowerCase())
    if (found === undefined) throw new UsageError(`no project named "${name}" (hall project list shows them)`, false)
    return found
  })
}

function unknown (name: string): HallError {
  return new HallError('HALL_ERR_ACCOUNT_UNKNOWN', `no account named "${name}" (see hall user list)`)
}

/** The event log says who changed an account: here, the shell user on the machine. */
function record (events: Events, kind: string, message: string, details: { name: string, role?: AccountRole, project?: string }, server: string | null = null): void {
  events.record({ at: Date.now(), level: 'info', server, kind, message, details: { ...details, account: null, address: 'local', by: `${shellUser()} (hall user)` } })
}

function shellUser (): string {
  try {
    return userInfo().username
  } catch {
    return 'unknown' // a container user with no passwd entry
  }
}

/**
 * Opened once the arguments and the password are known good; one transaction, which takes the
 * write lock first (BEGIN IMMEDIATE). A transaction that read first and wrote second would fail at
 * once when a running Hall wrote in between, instead of waiting for the lock like a single write.
 */
function withStore<T> (dbFile: string, fn: (s: { accounts: Accounts, events: Events, projects: Projects }) => T): T {
  return withDatabase(dbFile, db => db.transaction(() => fn({ accounts: createAccounts(db), events: createEvents(db), projects: createProjects(db) })).immediate())
}

/** A bad name, a taken name or a short password is a bad argument: the message (one line) and exit 2. */
const asUsage = <T>(fn: () => T): T =>
  asUsageOf(['HALL_ERR_ACCOUNT_NAME_INVALID', 'HALL_ERR_ACCOUNT_NAME_TAKEN', 'HALL_ERR_ACCOUNT_PASSWORD_WEAK'], fn, false)
