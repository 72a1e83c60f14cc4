import type Database from 'better-sqlite3'
import { HallError } from '../errors.js'
import { directWrites, type Writes } from './write-queue.js'

/** `client`: a customer's account, which sees and reaches only its projects (through /login, never /admin). */
export const accountRoles = ['admin', 'viewer', 'client'] as const
export type AccountRole = typeof accountRoles[number]

/** An account as listed: never its password hash. */
export interface AccountRecord {
  id: number
  name: string
  role: AccountRole
  createdAt: number
  passwordChangedAt: number
  lastLoginAt: number | null
}

/** Only the login reads the hash. */
export interface AccountWithHash extends AccountRecord { passwordHash: string }

export interface Accounts {
  /** Throws HALL_ERR_ACCOUNT_NAME_TAKEN. The hash comes from password-hash.ts, never a password. */
  add (a: { name: string, role: AccountRole, passwordHash: string, now: number }): void
  /** Names compare without case: "Alice" finds alice. */
  find (name: string): AccountWithHash | null
  /** Oldest first. */
  list (): AccountRecord[]
  count (): number
  /** Its sessions go with it (ON DELETE CASCADE). False when there is no such account. */
  remove (name: string): boolean
  /**
   * Ends every session of the account in the same write, but `keepSession` (an id hash: the one
   * that changed the password). False when there is no such account.
   */
  setPasswordHash (name: string, passwordHash: string, now: number, keepSession?: string | null): boolean
  noteLogin (id: number, at: number): void
}

export const MIN_PASSWORD_LENGTH = 12
// scrypt reads any length; a cap keeps a pasted novel from costing more than a password
export const MAX_PASSWORD_LENGTH = 1024
const NAME_FORMAT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

const columns = 'id, name, role, created_at AS createdAt, password_changed_at AS passwordChangedAt, last_login_at AS lastLoginAt'

/**
 * The `users` table. `writes`: a running Hall's write queue; the CLI, which may wait for the
 * lock, writes at once. Checks that need an answer now (a name taken) read before they queue.
 */
export function createAccounts (db: Database.Database, writes: Writes = directWrites): Accounts {
  const insert = db.prepare<[string, string, string, number, number]>(
    'INSERT INTO users (name, role, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)')
  const selectByName = db.prepare<[string], AccountWithHash>(`SELECT ${columns}, password_hash AS passwordHash FROM users WHERE name = ?`)
  const selectAll = db.prepare<[], AccountRecord>(`SELECT ${columns} FROM users ORDER BY created_at, id`)
  const selectCount = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users')
  const deleteByName = db.prepare<[string]>('DELETE FROM users WHERE name = ?')
  const updateHash = db.prepare<[string, number, string]>('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?')
  const deleteSessions = db.prepare<[string, string]>('DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?) AND id_hash <> ?')
  const updateLogin = db.prepare<[number, number]>('UPDATE users SET last_login_at = ? WHERE id = ?')
  const changePassword = db.transaction((name: string, hash: string, now: number, keepSession: string) => {
    deleteSessions.run(name, keepSession)
    updateHash.run(hash, now, name)
  })

  return {
    add ({ name, role, passwordHash, now }) {
      checkAccountName(name)
      if (selectByName.get(name) !== undefined) throw new HallError('HALL_ERR_ACCOUNT_NAME_TAKEN', `an account named "${name}" already exists`)
      writes.run('users.add', () => insert.run(name, role, passwordHash, now, now))
    },
    find (name) {
      const row = selectByName.get(name)
      return row === undefined ? null : { ...row, role: asRole(row.role) }
    },
    list: () => selectAll.all().map(row => ({ ...row, role: asRole(row.role) })),
    count: () => selectCount.get()!.n,
    remove (name) {
      if (selectByName.get(name) === undefined) return false
      writes.run('users.remove', () => deleteByName.run(name))
      return true
    },
    setPasswordHash (name, passwordHash, now, keepSession = null) {
      if (selectByName.get(name) === undefined) return false
      // '' matches no id hash: every session ends
      writes.run('users.setPasswordHash', () => changePassword(name, passwordHash, now, keepSession ?? ''))
      return true
    },
    noteLogin (id, at) {
      writes.run('users.noteLogin', () => updateLogin.run(at, id), `users ${id} login`)
    }
  }
}

/** Throws HALL_ERR_ACCOUNT_NAME_INVALID: the CLI checks before it asks for a password. */
export function checkAccountName (name: string): void {
  if (!NAME_FORMAT.test(name)) {
    throw new HallError('HALL_ERR_ACCOUNT_NAME_INVALID', `invalid account name "${name}": expected 1 to 64 letters, digits, ".", "-" or "_", starting with a letter or digit`)
  }
}

/** Throws HALL_ERR_ACCOUNT_PASSWORD_WEAK. Length is counted in characters as a person types them. */
export function checkPassword (password: string): void {
  const length = [...password.normalize('NFC')].length
  if (length < MIN_PASSWORD_LENGTH) {
    throw new HallError('HALL_ERR_ACCOUNT_PASSWORD_WEAK', `the password is too short: ${MIN_PASSWORD_LENGTH} characters at least (a few words make a good one)`)
  }
  if (length > MAX_PASSWORD_LENGTH) {
    throw new HallError('HALL_ERR_ACCOUNT_PASSWORD_WEAK', `the password is too long: ${MAX_PASSWORD_LENGTH} characters at most`)
  }
}

export function isAccountRole (text: string): text is AccountRole {
  return (accountRoles as readonly string[]).includes(text)
}

// migration 4's CHECK holds the column to these; a viewer is the safe reading of anything else
function asRole (text: string): AccountRole {
  return isAccountRole(text) ? text : 'viewer'
}
