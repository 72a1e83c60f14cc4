import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { HallError } from '../errors.js'
import { migrate } from './migrations.js'

/** Opens (creating if needed) Hall's SQLite file and brings its schema up to date. */
export function openStore (file: string): Database.Database {
  let db: Database.Database | undefined
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    db = new Database(file)
    // first, so the pragmas below wait for another process's lock instead of failing at once
    db.pragma('busy_timeout = 5000')
    // WAL: readers (the dashboard) never block the writer, and NORMAL is durable enough with it
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
  } catch (err) {
    db?.close()
    throw new HallError('HALL_ERR_STORE_OPEN', `cannot open the database ${file}: ${(err as Error).message}`, undefined, err)
  }
  try {
    migrate(db)
  } catch (err) {
    db.close()
    throw err
  }
  return db
}
