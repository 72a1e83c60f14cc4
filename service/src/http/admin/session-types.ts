/**
 * The types the admin's authentication and its pages share: who is logged in (set on the request
 * by the auth hook) and the accounts the pages manage. Both sides code against this file only.
 */
export type Role = 'admin' | 'viewer'

export interface AdminAccount { readonly name: string, readonly role: Role }

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the admin auth hook on every /admin request that carries a valid session; null otherwise. */
    account: AdminAccount | null
  }
}

/** The accounts as the pages see them; the store behind it hashes passwords and ends sessions. */
export interface AccountDirectory {
  list (): Array<{ name: string, role: Role, createdAt: number, lastLoginAt: number | null }>
  /** Throws HallError HALL_ERR_ACCOUNT_* on a bad name, a short password or a name already taken. */
  add (name: string, role: Role, password: string): void
  remove (name: string): void
  /** Ends that account's other sessions. */
  setPassword (name: string, password: string): void
}
