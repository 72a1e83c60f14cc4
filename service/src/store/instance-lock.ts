import { createHash } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { HallError } from '../errors.js'

/** Held by the one Hall serving a database, from before the store opens until it has closed. */
export interface InstanceLock {
  /** Tells a second Hall where this one serves, once it listens. */
  announce (url: string): void
  release (): Promise<void>
}

export interface InstanceLockOptions {
  /** 'socket' (Linux, the default there) or 'file' (elsewhere, and for tests of it). */
  readonly mechanism?: 'socket' | 'file'
}

/** What a second Hall learns about the first. */
interface Holder { pid: number, url: string | null }

/**
 * One Hall per database: two would hand out the same wake ids (allocated-ids.ts) and fight over
 * every row. On Linux the lock is a listening abstract unix socket named from the database's real
 * path, which the kernel frees when the process dies however it dies, so a crash never leaves a
 * stale lock; it answers a second Hall with its pid and address. Abstract sockets belong to a
 * network namespace: two containers sharing the file but not the network do not see each other.
 * Elsewhere, a lock file beside the database holds the pid and is taken over when that pid is gone.
 * `hall apikey create` and the other CLI commands do not take the lock: they write through SQLite's own.
 */
export async function lockDatabase (dbFile: string, options: InstanceLockOptions = {}): Promise<InstanceLock> {
  const database = realDatabasePath(dbFile)
  const holder: Holder = { pid: process.pid, url: null }
  const mechanism = options.mechanism ?? (process.platform === 'linux' ? 'socket' : 'file')
  if (mechanism === 'socket') {
    const lock = await lockBySocket(database, holder)
    if (lock !== null) return lock
  }
  return lockByFile(database, holder)
}

/** The file as the kernel knows it: the same database reached through a symlink or `..` is one database. */
function realDatabasePath (dbFile: string): string {
  const dir = path.dirname(path.resolve(dbFile))
  fs.mkdirSync(dir, { recursive: true })
  try {
    return fs.realpathSync(dbFile)
  } catch {
    return path.join(fs.realpathSync(dir), path.basename(dbFile)) // not created yet
  }
}

function inUse (database: string, holder: Holder | null, where: string): HallError {
  const who = holder === null
    ? `its lock is ${where}`
    : `pid ${holder.pid}, ${holder.url === null ? 'starting' : `serving ${holder.url}`}`
  return new HallError('HALL_ERR_STORE_IN_USE',
    `the database ${database} is in use by another Hall (${who}): one Hall per database; stop that one, or point HALL_DB at another file`,
    { database, holder })
}

/** null: abstract sockets are not available here (the file lock takes over). */
async function lockBySocket (database: string, holder: Holder): Promise<InstanceLock | null> {
  const name = `hall:${createHash('sha256').update(database).digest('hex')}`
  const server = net.createServer(socket => {
    socket.on('error', () => {}) // a second Hall that hung up early is none of our business
    socket.end(JSON.stringify(holder) + '\n')
  })
  const listened = await new Promise<NodeJS.ErrnoException | null>(resolve => {
    server.once('error', resolve)
    server.listen({ path: `\0${name}` }, () => { server.off('error', resolve); resolve(null) })
  })
  if (listened?.code === 'EADDRINUSE') throw inUse(database, await askHolder(name), `the socket @${name}`)
  if (listened !== null) return null
  server.unref() // the lock never keeps Hall running by itself
  return {
    announce (url) { holder.url = url },
    release: async () => { await new Promise<void>(resolve => server.close(() => resolve())) }
  }
}

/** The first Hall's pid and address, or null if it does not answer within a second. */
async function askHolder (name: string): Promise<Holder | null> {
  return await new Promise(resolve => {
    const socket = net.connect({ path: `\0${name}` })
    let text = ''
    const done = (holder: Holder | null): void => { socket.destroy(); resolve(holder) }
    socket.setTimeout(1_000, () => done(null))
    socket.on('error', () => done(null))
    socket.setEncoding('utf8').on('data', (s: string) => { text += s })
    socket.on('end', () => done(parseHolder(text)))
  })
}

function lockByFile (database: string, holder: Holder): InstanceLock {
  const file = `${database}.lock`
  for (let attempt = 1; ; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(holder), { flag: 'wx' })
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err
      const found = readHolder(file)
      if (found !== null && isAlive(found.pid)) throw inUse(database, found, `the file ${file}`)
      fs.rmSync(file, { force: true }) // left by a Hall that died: its pid is gone
    }
  }
  return {
    announce (url) {
      holder.url = url
      fs.writeFileSync(file, JSON.stringify(holder))
    },
    release: async () => { fs.rmSync(file, { force: true }) }
  }
}

function readHolder (file: string): Holder | null {
  try {
    return parseHolder(fs.readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

function parseHolder (text: string): Holder | null {
  try {
    const value = JSON.parse(text) as { pid?: unknown, url?: unknown }
    if (!Number.isInteger(value.pid)) return null
    return { pid: value.pid as number, url: typeof value.url === 'string' ? value.url : null }
  } catch {
    return null
  }
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' // alive, someone else's
  }
}
