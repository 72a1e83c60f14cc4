import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
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

export interface HeldLock {
  /** Ends the other process's transaction (commits nothing) and waits for it to exit. */
  release (): Promise<void>
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

// The other process: a backup, `sqlite3` in a shell, a second Hall. It waits (busy_timeout) for
// Hall's own short writes, then holds the write lock until told to let go, or `maxMs` at most.
const HOLDER = `
const Database = require('better-sqlite3')
const db = new Database(process.argv[1], { fileMustExist: true })
db.pragma('busy_timeout = 5000')
db.exec('BEGIN EXCLUSIVE')
process.stdout.write('locked\\n')
const release = () => { db.exec('ROLLBACK'); db.close(); process.exit(0) }
process.stdin.on('data', release)
setTimeout(release, Number(process.argv[2]))
`

/** Another process takes SQLite's write lock on `file` and holds it until `release()`. */
export async function holdWriteLock (t: TestContext, file: string, maxMs = 20_000): Promise<HeldLock> {
  const child = spawn(process.execPath, ['-e', HOLDER, file, String(maxMs)], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)))
  t.after(() => { child.kill('SIGKILL') })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s })
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (s: string) => { if (s.includes('locked')) resolve() })
    void exited.then(code => reject(new Error(`the lock holder exited (${code}) before it held the lock: ${stderr}`)))
  })
  return {
    async release () {
      child.stdin.on('error', () => {}) // it may have let go by itself (maxMs) already
      if (child.exitCode === null) child.stdin.end('release\n')
      const code = await exited
      if (code !== 0) throw new Error(`the lock holder exited with ${code}: ${stderr}`)
    }
  }
}
