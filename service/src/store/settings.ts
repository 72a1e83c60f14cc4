import type Database from 'better-sqlite3'
import { directWrites, type Writes } from './write-queue.js'

/** What Hall makes for itself and must find again after a restart (the `settings` table). */
export interface Settings {
  get (key: string): string | null
  /**
   * The value already stored under `key`, else `make()`'s, stored now (or as soon as the
   * database lets the write through): the same value on every later start.
   */
  getOrCreate (key: string, make: () => string): string
}

export function createSettings (db: Database.Database, writes: Writes = directWrites): Settings {
  const select = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
  // OR IGNORE: the first value written wins, should two ever race
  const insert = db.prepare<[string, string]>('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)')
  const get = (key: string): string | null => select.get(key)?.value ?? null
  return {
    get,
    getOrCreate (key, make) {
      const stored = get(key)
      if (stored !== null) return stored
      const value = make()
      writes.run('settings.create', () => insert.run(key, value), `settings ${key}`)
      return value
    }
  }
}
