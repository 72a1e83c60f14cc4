import type { Clock } from '../../clock.js'
import { HallError, isHallError } from '../../errors.js'
import { checkAccountName, checkPassword } from '../../store/accounts.js'
import type { Accounts } from '../../store/index.js'
import { hashPassword } from '../../store/password-hash.js'
import type { HashGate } from './hash-gate.js'
import type { SessionCache } from './session-cache.js'
import type { AccountDirectory, Role } from './session-types.js'

export interface AccountDirectoryDeps {
  readonly accounts: Accounts
  readonly sessions: SessionCache
  readonly gate: HashGate
  readonly clock: Clock
  readonly log: { error (obj: object, msg: string): void }
}

/**
 * The accounts as the admin pages manage them. Every check that can refuse (a bad name, a short
 * password, a name taken, an unknown account) refuses before the hash; the scrypt hash then runs
 * on libuv's thread pool (a quarter of a second the event loop does not wait for) and the change
 * is written when it is ready. The promise settles only then: a hash the gate refuses, or a
 * write that fails, reaches the page as a refusal, never as a change announced but not made.
 * An account being made is listed, and its name taken, from the moment it is asked for.
 */
export function createAccountDirectory ({ accounts, sessions, gate, clock, log }: AccountDirectoryDeps): AccountDirectory {
  const pending = new Map<string, { name: string, role: Role, createdAt: number }>()

  function existing (name: string): { id: number } {
    const account = accounts.find(name)
    if (account === null) throw new HallError('HALL_ERR_ACCOUNT_UNKNOWN', `no account named "${name}"`)
    return account
  }

  async function hashThen (what: string, name: string, password: string, write: (hash: string) => void): Promise<void> {
    try {
      write(await gate.run(async () => await hashPassword(password)))
    } catch (err) {
      // a refusal (a full gate, a name taken meanwhile) is the page's to say; anything else is logged here too
      if (!isHallError(err)) log.error({ err, account: name }, `could not ${what}`)
      throw err
    }
  }

  return {
    list () {
      const stored = accounts.list().map(({ name, role, createdAt, lastLoginAt }) => ({ name, role, createdAt, lastLoginAt }))
      const known = new Set(stored.map(a => a.name.toLowerCase()))
      const making = [...pending.values()].filter(p => !known.has(p.name.toLowerCase())).map(p => ({ ...p, lastLoginAt: null }))
      return [...stored, ...making]
    },
    async add (name, role, password) {
      checkAccountName(name)
      checkPassword(password)
      const key = name.toLowerCase()
      if (accounts.find(name) !== null || pending.has(key)) throw new HallError('HALL_ERR_ACCOUNT_NAME_TAKEN', `an account named "${name}" already exists`)
      const createdAt = clock.now()
      pending.set(key, { name, role, createdAt })
      try {
        await hashThen('make the account', name, password, hash => {
          accounts.add({ name, role, passwordHash: hash, now: createdAt })
        })
      } finally {
        pending.delete(key)
      }
    },
    remove (name) {
      const account = existing(name)
      sessions.endForUser(account.id)
      accounts.remove(name)
    },
    async setPassword (name, password, asking) {
      checkPassword(password)
      const account = existing(name)
      // the account's other sessions: the one changing its own password stays logged in
      const keep = asking !== null && asking.userId === account.id ? asking.idHash : null
      // once the new hash is written: a change that fails leaves the old password and its sessions as they were
      await hashThen('change the password', name, password, hash => {
        if (!accounts.setPasswordHash(name, hash, clock.now(), keep)) throw new HallError('HALL_ERR_ACCOUNT_UNKNOWN', `no account named "${name}"`)
        // a login with the old password while the new one was being hashed ends here too
        sessions.endForUser(account.id, keep)
      })
    }
  }
}
