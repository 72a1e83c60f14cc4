import type Database from 'better-sqlite3'
import { HallError } from '../errors.js'
import { migration1 } from './migrations/001-lifecycle-history.js'
import { migration2 } from './migrations/002-shutdowns-and-api-keys.js'
import { migration3 } from './migrations/003-checked-values.js'
import { migration4 } from './migrations/004-accounts-and-sessions.js'
import { migration5 } from './migrations/005-event-filters.js'
import { migration6 } from './migrations/006-energy-and-uptime.js'
import { migration7 } from './migrations/007-client-projects.js'

export interface Migration { version: number, name: string, up: string }

/**
 * Append only, one file each in migrations/: a shipped migration is never edited, because databases
 * in the field already ran it.
 * Versions are 1, 2, 3... in order.
 * Times are epoch milliseconds; JSON is TEXT.
 */
export const migrations: readonly Migration[] = [migration1, migration2, migration3, migration4, migration5, migration6, migration7]

export const latestVersion = migrations.at(-1)?.version ?? 0

/** Brings the schema to `latestVersion`; each migration commits on its own with its user_version bump. */
export function migrate (db: Database.Database): void {
  const found = userVersion(db)
  if (found > latestVersion) {
    throw new HallError('HALL_ERR_STORE_MIGRATION',
      `database schema version ${found} is newer than this Hall knows (${latestVersion}): upgrade Hall or restore an older backup`,
      { found, latest: latestVersion })
  }
  for (const m of migrations) {
    if (m.version <= found) continue
    const apply = db.transaction(() => {
      // re-read under the write lock: another Hall process may have migrated since we looked
      if (userVersion(db) >= m.version) return
      db.exec(m.up)
      db.pragma(`user_version = ${m.version}`)
    })
    try {
      apply.immediate()
    } catch (err) {
      throw new HallError('HALL_ERR_STORE_MIGRATION',
        `database migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { version: m.version }, err)
    }
  }
}

function userVersion (db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}
