import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestContext } from 'node:test'
import type Database from 'better-sqlite3'
import { openStore } from '../../service/src/store/db.js'

/** A real SQLite file, migrated, in a temp dir removed after the test. */
export function tempDatabase (t: TestContext): Database.Database {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hall-store-'))
  const db = openStore(path.join(dir, 'hall.db'))
  t.after(() => { db.close(); fs.rmSync(dir, { recursive: true, force: true }) })
  return db
}
