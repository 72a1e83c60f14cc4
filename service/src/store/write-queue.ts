import type { Clock, Timer } from '../clock.js'

export interface StoreLog {
  info (obj: object, msg: string): void
  warn (obj: object, msg: string): void
  error (obj: object, msg: string): void
}

/** How the table modules write: through the queue in a running Hall, at once in the CLI. */
export interface Writes {
  /**
   * Runs `write` now when nothing waits, else after every write handed over before it. `what`
   * names it in the log (`wakes.begin`). A `key` names the row: a later write with the same key
   * replaces a queued one (only the row's last content matters) and takes its place at the back.
   * 'done': written (or failed for good, logged); 'waiting': queued; 'dropped': the queue is full.
   */
  run (what: string, write: () => void, key?: string): 'done' | 'waiting' | 'dropped'
  /** Tries to write everything that waits, now; false when some writes still wait for the lock. */
  flush (): boolean
  /** Writes waiting for the database. */
  size (): number
}

export interface WriteQueue extends Writes {
  /** Writes what waits, giving another process up to `waitMs` to let go; what is left is logged as lost. */
  close (waitMs: number): void
}

export interface WriteQueueOptions {
  readonly clock: Clock
  readonly log: StoreLog
  /** Writes kept while the database is locked (about 200 bytes each); past it, new writes are dropped. */
  readonly maxQueued?: number
  /** Delay before the first retry, doubling up to `max`. */
  readonly retryMs?: { readonly first: number, readonly max: number }
  /** Writes per turn of the event loop while a backlog drains. */
  readonly batch?: number
  /** Runs `fn` with SQLite's busy timeout at `ms`: only close() may wait for the lock. */
  readonly waitForLock?: (ms: number, fn: () => void) => void
}

/** Writes in the CLI (a short process that may wait for the lock) and in one-table tests: at once, errors thrown. */
export const directWrites: Writes = { run: (_what, write) => { write(); return 'done' }, flush: () => true, size: () => 0 }

/** SQLITE_BUSY and SQLITE_LOCKED, with their extended codes: another connection has the lock, retry later. */
export function isBusy (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)
}

interface Pending { readonly what: string, readonly write: () => void, readonly key: string | undefined, live: boolean }

/**
 * Every write of a running Hall goes through here, on the event loop, with SQLite's busy timeout
 * at 0: a write is tried at once; when another process holds the write lock it fails at once too,
 * and it and every later write wait in memory, in order, retried on a timer with backoff.
 */
export function createWriteQueue (options: WriteQueueOptions): WriteQueue {
  const { clock, log } = options
  const maxQueued = options.maxQueued ?? 10_000
  const retryMs = options.retryMs ?? { first: 25, max: 1_000 }
  const batch = options.batch ?? 100
  const waitForLock = options.waitForLock ?? ((_ms, fn) => { fn() })
  let queue: Pending[] = []
  let head = 0
  let live = 0
  const byKey = new Map<string, Pending>()
  let delayMs = retryMs.first
  let timer: Timer | null = null
  let turnDeferred = false
  let closed = false
  // one episode: from the first write that had to wait to the moment nothing waits
  let waitingSince: number | null = null
  let writtenLate = 0
  const dropped = new Map<string, number>()

  /** 'busy' leaves the write where it is; any other failure loses it, as it would without the queue. */
  function attempt (p: Pending): 'done' | 'busy' {
    try {
      p.write()
    } catch (err) {
      if (isBusy(err)) return 'busy'
      log.error({ what: p.what, err }, 'could not write to the database: this record is lost')
    }
    return 'done'
  }

  function enqueue (p: Pending): void {
    if (p.key !== undefined) {
      const replaced = byKey.get(p.key)
      if (replaced !== undefined) { replaced.live = false; live-- }
      byKey.set(p.key, p)
    }
    queue.push(p)
    live++
  }

  function take (p: Pending): void {
    p.live = false
    live--
    if (p.key !== undefined && byKey.get(p.key) === p) byKey.delete(p.key)
  }

  function drain (limit: number): 'empty' | 'busy' | 'more' {
    let done = 0
    while (head < queue.length && done < limit) {
      const p = queue[head]!
      if (p.live) {
        if (attempt(p) === 'busy') return 'busy'
        take(p)
        done++
        writtenLate++
        delayMs = retryMs.first // it moved: the lock changed hands, start the backoff again
      }
      head++
    }
    // forget what is behind us: at once when all of it is, else now and then, not on every write
    if (head === queue.length || (head > 1024 && head * 2 > queue.length)) {
      queue = queue.slice(head)
      head = 0
    }
    return live === 0 ? 'empty' : 'more'
  }

  function turn (): void {
    turnDeferred = false
    timer = null
    if (closed || live === 0) return
    const result = drain(batch)
    if (result === 'empty') endEpisode()
    else if (result === 'busy') retryLater()
    else {
      turnDeferred = true
      clock.setImmediate(turn) // the rest on the next turn: requests are answered in between
    }
  }

  function retryLater (): void {
    if (timer !== null || turnDeferred) return
    timer = clock.setTimeout(turn, delayMs)
    timer.unref?.()
    delayMs = Math.min(retryMs.max, delayMs * 2)
  }

  function endEpisode (): void {
    if (timer !== null) clock.clearTimeout(timer)
    timer = null
    reportDropped()
    if (waitingSince !== null) log.info({ writes: writtenLate, waitedMs: clock.now() - waitingSince }, `the database took the ${writtenLate} writes that waited for it`)
    waitingSince = null
    writtenLate = 0
    delayMs = retryMs.first
  }

  function reportDropped (): void {
    if (dropped.size === 0) return
    const total = [...dropped.values()].reduce((a, b) => a + b, 0)
    log.error({ dropped: Object.fromEntries(dropped) }, `${total} writes were dropped while the database was locked (at most ${maxQueued} wait)`)
    dropped.clear()
  }

  function drop (what: string): void {
    if (dropped.size === 0) log.error({ dropped: what, maxQueued }, `the database has been locked too long: ${maxQueued} writes wait, new ones are dropped until it lets go`)
    dropped.set(what, (dropped.get(what) ?? 0) + 1)
  }

  return {
    run (what, write, key) {
      if (closed) {
        log.warn({ what }, 'a write after the store closed is dropped')
        return 'dropped'
      }
      const p: Pending = { what, write, key, live: true }
      if (live === 0) {
        if (attempt(p) === 'done') return 'done'
        waitingSince = clock.now()
        log.warn({ what }, 'the database is locked by another process: writes wait in memory, in order, and are retried')
        enqueue(p)
        retryLater()
        return 'waiting'
      }
      const replacesOne = key !== undefined && byKey.has(key)
      if (!replacesOne && live >= maxQueued) {
        drop(what)
        return 'dropped'
      }
      enqueue(p)
      return 'waiting'
    },
    flush () {
      if (live === 0) return true
      if (closed || drain(Number.POSITIVE_INFINITY) !== 'empty') return false
      endEpisode()
      return true
    },
    size: () => live,
    close (waitMs) {
      if (closed) return
      if (live > 0) waitForLock(waitMs, () => { drain(Number.POSITIVE_INFINITY) })
      closed = true
      if (live === 0) {
        endEpisode()
        return
      }
      if (timer !== null) clock.clearTimeout(timer)
      reportDropped()
      const lost = new Map<string, number>()
      for (const p of queue.slice(head)) if (p.live) lost.set(p.what, (lost.get(p.what) ?? 0) + 1)
      log.error({ lost: Object.fromEntries(lost) }, `${live} writes could not be written before closing: the database stayed locked`)
    }
  }
}
