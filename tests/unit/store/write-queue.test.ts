import assert from 'node:assert/strict'
import test from 'node:test'
import { createWriteQueue, type WriteQueueOptions } from '../../../service/src/store/write-queue.js'
import { createFakeClock } from '../../helpers/fake-clock.js'

/** What SQLite throws while another process holds the write lock (better-sqlite3's SqliteError carries the code). */
const busy = (): Error => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })

/** A database as the queue sees it: writes land in `written` unless another process holds the lock. */
function rig (options: Partial<WriteQueueOptions> = {}) {
  const clock = createFakeClock(0)
  let turn = 0
  const logged: Array<{ level: string, obj: Record<string, unknown>, msg: string }> = []
  const log = (level: string) => (obj: object, msg: string) => { logged.push({ level, obj: obj as Record<string, unknown>, msg }) }
  const db = { locked: false, written: [] as string[], attempts: [] as Array<[string, number]>, turns: [] as number[] }
  const queue = createWriteQueue({
    // each deferred turn of the event loop is numbered, to see how a backlog is spread over them
    clock: { ...clock, setImmediate: (fn) => clock.setImmediate(() => { turn++; fn() }) },
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    ...options
  })
  const write = (name: string) => (): void => {
    db.attempts.push([name, clock.now()])
    if (db.locked) throw busy()
    db.written.push(name)
    db.turns.push(turn)
  }
  return { clock, queue, db, logged, write }
}

test('with nothing waiting, a write runs at once, before run() returns', () => {
  const { queue, db, write } = rig()
  queue.run('transitions.record', write('a'))
  assert.deepEqual(db.written, ['a'])
  assert.equal(queue.size(), 0)
})

test('a locked database keeps the write and every later one in memory, and writes them in order once it lets go', () => {
  const { clock, queue, db, write, logged } = rig()
  db.locked = true
  for (const name of ['a', 'b', 'c']) queue.run('events.record', write(name))
  assert.deepEqual([db.written, queue.size()], [[], 3])
  assert.deepEqual(db.attempts, [['a', 0]], 'only the first is tried: the others would fail the same way')
  assert.equal(logged.filter(l => l.level === 'warn').length, 1, 'the wait is logged once')
  clock.advance(100)
  assert.deepEqual(db.written, [])
  db.locked = false
  queue.run('events.record', write('d')) // the lock is gone, but older writes wait: d stays behind them
  assert.deepEqual(db.written, [])
  clock.advance(2_000)
  assert.deepEqual(db.written, ['a', 'b', 'c', 'd'])
  assert.equal(queue.size(), 0)
  assert.match(logged.at(-1)!.msg, /4 writes/)
  queue.run('events.record', write('e'))
  assert.deepEqual(db.written.at(-1), 'e', 'drained: writes run at once again')
})

test('retries back off, doubling up to a ceiling, and start again from the first delay after a success', () => {
  const { clock, queue, db, write } = rig({ retryMs: { first: 25, max: 400 } })
  db.locked = true
  queue.run('events.record', write('a'))
  clock.advance(2_000)
  const times = db.attempts.map(([, at]) => at)
  assert.deepEqual(times.slice(0, 7), [0, 25, 75, 175, 375, 775, 1175])
  db.locked = false
  clock.advance(400)
  assert.deepEqual(db.written, ['a'])
  db.locked = true
  const before = clock.now()
  queue.run('events.record', write('b'))
  clock.advance(25)
  assert.deepEqual(db.attempts.filter(([name]) => name === 'b').map(([, at]) => at - before), [0, 25])
})

test('a later write to the same row replaces a queued one, and takes its place at the back', () => {
  const { clock, queue, db, write } = rig()
  db.locked = true
  queue.run('server_state.save', write('lab: WAKING'), 'server_state lab')
  queue.run('wakes.begin', write('wake 7'))
  queue.run('server_state.save', write('lab: BOOTING'), 'server_state lab')
  assert.equal(queue.size(), 2)
  db.locked = false
  clock.advance(2_000)
  // the state row names wake 7, which must exist first: the replacement goes after it
  assert.deepEqual(db.written, ['wake 7', 'lab: BOOTING'])
})

test('past the cap, new writes are dropped and the log says which; the ones kept are written', () => {
  const { clock, queue, db, write, logged } = rig({ maxQueued: 3 })
  db.locked = true
  for (const name of ['a', 'b', 'c']) queue.run('transitions.record', write(name))
  queue.run('events.record', write('d'))
  queue.run('events.record', write('e'))
  queue.run('server_state.save', write('s1'), 'server_state lab')
  assert.equal(queue.size(), 3)
  const firstDrop = logged.find(l => l.level === 'error')
  assert.deepEqual(firstDrop?.obj, { dropped: 'events.record', maxQueued: 3 })
  assert.equal(logged.filter(l => l.level === 'error').length, 1, 'one line when dropping starts, not one per write')
  db.locked = false
  clock.advance(2_000)
  assert.deepEqual(db.written, ['a', 'b', 'c'])
  const summary = logged.filter(l => l.level === 'error').at(-1)!
  assert.deepEqual(summary.obj, { dropped: { 'events.record': 2, 'server_state.save': 1 } })
  assert.match(summary.msg, /3 writes were dropped/)
})

test('a write that fails for another reason is logged and dropped; the ones after it still land', () => {
  const { clock, queue, db, write, logged } = rig()
  db.locked = true
  queue.run('events.record', write('a'))
  queue.run('wakes.finish', () => { if (!db.locked) throw new Error('CHECK constraint failed: wake_outcome') })
  queue.run('events.record', write('c'))
  db.locked = false
  clock.advance(2_000)
  assert.deepEqual(db.written, ['a', 'c'])
  const failure = logged.find(l => l.level === 'error')
  assert.equal(failure?.obj.what, 'wakes.finish')
  queue.run('events.record', () => { throw new Error('disk I/O error') })
  assert.equal(logged.filter(l => l.level === 'error').length, 2, 'tried at once: the same, it never reaches the caller')
})

test('a long backlog drains a batch per turn of the event loop, so requests get their turn between batches', () => {
  const { clock, queue, db, write } = rig({ batch: 2 })
  db.locked = true
  for (const name of ['a', 'b', 'c', 'd', 'e']) queue.run('events.record', write(name))
  db.locked = false
  clock.advance(2_000)
  assert.deepEqual(db.written, ['a', 'b', 'c', 'd', 'e'])
  assert.deepEqual(db.turns, [0, 0, 1, 1, 2])
})

test('flush() tries at once and says whether anything still waits', () => {
  const { queue, db, write } = rig()
  db.locked = true
  queue.run('events.record', write('a'))
  assert.equal(queue.flush(), false)
  db.locked = false
  assert.equal(queue.flush(), true)
  assert.deepEqual(db.written, ['a'])
})

test('close() writes what waits, waiting a bounded time for the lock, and says what it had to leave', () => {
  const waits: number[] = []
  let lockGoesAfterMs = 0
  const r = rig({ waitForLock: (ms, fn) => { waits.push(ms); if (lockGoesAfterMs <= ms) r.db.locked = false; fn() } })
  r.db.locked = true
  r.queue.run('events.record', r.write('a'))
  lockGoesAfterMs = 500
  r.queue.close(1_000)
  assert.deepEqual([r.db.written, waits], [['a'], [1_000]])

  const stuck = rig({ waitForLock: (_ms, fn) => fn() })
  stuck.db.locked = true
  stuck.queue.run('events.record', stuck.write('a'))
  stuck.queue.run('wakes.begin', stuck.write('b'))
  stuck.queue.close(1_000)
  const lost = stuck.logged.at(-1)!
  assert.equal(lost.level, 'error')
  assert.deepEqual(lost.obj, { lost: { 'events.record': 1, 'wakes.begin': 1 } })
  stuck.db.locked = false
  stuck.queue.run('events.record', stuck.write('late'))
  stuck.clock.advance(5_000)
  assert.deepEqual(stuck.db.written, [], 'closed: nothing more is written')
})
