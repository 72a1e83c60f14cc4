import type Database from 'better-sqlite3'
import { directWrites, type Writes } from './write-queue.js'

/**
 * Who asked for a wake or shutdown started from the admin: the account's name beside the row's
 * trigger ('api'). Written after the row's own insert, through the same ordered write queue.
 */
export interface RequestedBy {
  wake (wakeId: number, account: string): void
  shutdown (shutdownId: number, account: string): void
}

export function createRequestedBy (db: Database.Database, writes: Writes = directWrites): RequestedBy {
  const wake = db.prepare<[string, number]>('UPDATE wakes SET requested_by = ? WHERE id = ?')
  const shutdown = db.prepare<[string, number]>('UPDATE shutdowns SET requested_by = ? WHERE id = ?')
  return {
    wake (wakeId, account) {
      writes.run('wakes.requestedBy', () => wake.run(account, wakeId))
    },
    shutdown (shutdownId, account) {
      writes.run('shutdowns.requestedBy', () => shutdown.run(account, shutdownId))
    }
  }
}
