import type Database from 'better-sqlite3'
import { directWrites, type Writes } from './write-queue.js'
import type { AccountRole } from './accounts.js'

/** A session as stored: the SHA-256 of its id (hex), never the id the browser holds. */
export interface SessionRecord {
  idHash: string
  userId: number
  /** The account's name and role, read with the session. */
  name: string
  role: AccountRole
  createdAt: number
  lastSeenAt: number
  /** The client address it was opened from. */
  address: string
  scope: SessionScope
}

/** `admin`: opened at /admin/login (LAN only); `portal`: opened at /login, for client projects only. */
export const sessionScopes = ['admin', 'portal'] as const
export type SessionScope = typeof sessionScopes[number]

export interface SessionStart { idHash: string, userId: number, createdAt: number, address: string, scope: SessionScope }

export interface Sessions {
  /** Every session with its account, for the in-memory copy the admin checks requests against. */
  all (): SessionRecord[]
  insert (s: SessionStart): void
  /** Only the last time matters: a later touch replaces one still waiting for the database. */
  touch (idHash: string, at: number): void
  remove (idHash: string): void
  removeForUser (userId: number): void
  /** Every session of the account but one: the one that changed its password stays. */
  removeForUserBut (userId: number, keepIdHash: string): void
  /** Sessions last seen at or before `idleBefore`, or opened at or before `openedBefore`. */
  removeExpired (idleBefore: number, openedBefore: number): void
  /** Changes whenever another connection (`hall user` in a shell) commits: PRAGMA data_version. */
  changeMark (): number
}

/** The `sessions` table; every write through `writes` (a running Hall's queue). */
export function createSessions (db: Database.Database, writes: Writes = directWrites): Sessions {
  const selectAll = db.prepare<[], SessionRecord>(`
    SELECT s.id_hash AS idHash, s.user_id AS userId, u.name, u.role, s.created_at AS createdAt,
      s.last_seen_at AS lastSeenAt, s.address, s.scope
    FROM sessions s JOIN users u ON u.id = s.user_id`)
  const insert = db.prepare<[string, number, number, number, string, string]>(
    'INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, address, scope) VALUES (?, ?, ?, ?, ?, ?)')
  // never moves backwards: a touch written late must not undo a later one
  const updateSeen = db.prepare<[number, string]>('UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE id_hash = ?')
  const deleteOne = db.prepare<[string]>('DELETE FROM sessions WHERE id_hash = ?')
  const deleteForUser = db.prepare<[number]>('DELETE FROM sessions WHERE user_id = ?')
  const deleteForUserBut = db.prepare<[number, string]>('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?')
  const deleteExpired = db.prepare<[number, number]>('DELETE FROM sessions WHERE last_seen_at <= ? OR created_at <= ?')

  return {
    // migration 7's CHECK holds scope to the list: anything else opens nothing at /admin
    all: () => selectAll.all().map(row => ({ ...row, scope: row.scope === 'admin' ? 'admin' : 'portal' })),
    insert (s) {
      writes.run('sessions.insert', () => insert.run(s.idHash, s.userId, s.createdAt, s.createdAt, s.address, s.scope))
    },
    touch (idHash, at) {
      writes.run('sessions.touch', () => updateSeen.run(at, idHash), `sessions ${idHash}`)
    },
    remove (idHash) {
      writes.run('sessions.remove', () => deleteOne.run(idHash))
    },
    removeForUser (userId) {
      writes.run('sessions.removeForUser', () => deleteForUser.run(userId))
    },
    removeForUserBut (userId, keepIdHash) {
      writes.run('sessions.removeForUserBut', () => deleteForUserBut.run(userId, keepIdHash))
    },
    removeExpired (idleBefore, openedBefore) {
      writes.run('sessions.removeExpired', () => deleteExpired.run(idleBefore, openedBefore))
    },
    changeMark: () => db.pragma('data_version', { simple: true }) as number
  }
}
