/**
 * The types the admin's authentication and its pages share: who is logged in (set on the request
 * by the auth hook) and the accounts the pages manage. Both sides code against this file only.
 */
import type { AccountRole } from '../../store/accounts.js'

/** `client` accounts never open /admin: they sign in at /login and see only their projects. */
export type Role = AccountRole

export interface AdminAccount { readonly name: string, readonly role: Role }

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the admin auth hook on every /admin request that carries a valid session; null otherwise. */
    account: AdminAccount | null
    /** Set by the pages' scope when Hall has client projects (pages.ts): the layout then shows their section. */
    projectPages?: boolean
  }
}

/** The accounts as the pages see them; the store behind it hashes passwords and ends sessions. */
export interface AccountDirectory {
  list (): Array<{ name: string, role: Role, createdAt: number, lastLoginAt: number | null }>
  /**
   * Settles once the account is written. Rejects with HallError HALL_ERR_ACCOUNT_* on a bad name,
   * a short password or a name already taken, HALL_ERR_ADMIN_LOGIN_LOCKED when too many hashes wait.
   */
  add (name: string, role: Role, password: string): Promise<void>
  remove (name: string): void
  /**
   * Settles once the new password is written and that account's sessions have ended, but for
   * `asking` (the session of the request, if it is that account's); rejects as `add`.
   */
  setPassword (name: string, password: string, asking: SessionOwner | null): Promise<void>
}

/** A session by its id hash, and whose it is. */
export interface SessionOwner { readonly idHash: string, readonly userId: number }
