import type Database from 'better-sqlite3'
import { isHallError, type ErrorCode } from '../errors.js'
import { openStore } from '../store/db.js'
import { UsageError } from './usage-error.js'

/**
 * Runs `fn` on HALL_DB, opened only once the arguments are known good and closed at once: the
 * running Hall shares the file.
 */
export function withDatabase<T> (dbFile: string, fn: (db: Database.Database) => T): T {
  const db = openStore(dbFile)
  try {
    return fn(db)
  } finally {
    db.close()
  }
}

/** Turns the store's refusals of what the user typed (a bad name, a weak password…) into a bad argument: exit 2. */
export function asUsage<T> (codes: readonly ErrorCode[], fn: () => T, showUsage = true): T {
  try {
    return fn()
  } catch (err) {
    if (isHallError(err) && codes.includes(err.code)) throw new UsageError(err.message, showUsage)
    throw err
  }
}
