import assert from 'node:assert/strict'
import test, { type TestContext } from 'node:test'
import type Database from 'better-sqlite3'
import { bootStats, createHistoryReader, localDays, segmentsOf } from '../../../service/src/store/history.js'
import { tempDatabase } from '../../helpers/temp-database.js'

// The admin's history reads over a real migrated SQLite file, with a known sequence of rows.

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const NOW = Date.parse('2026-11-26T08:00:00Z')

function rig (t: TestContext): { db: Database.Database, reader: ReturnType<typeof createHistoryReader> } {
  const db = tempDatabase(t)
  return { db, reader: createHistoryReader(db) }
}

function transition (db: Database.Database, server: string, from: string, to: string, at: number): void {
  db.prepare('INSERT INTO transitions (server, from_phase, to_phase, at, reason) VALUES (?, ?, ?, ?, ?)').run(server, from, to, at, 'test')
}

interface WakeRow { server?: string, trigger?: string, requestedAt: number, runningAt?: number | null, outcome?: string, requestedBy?: string | null }
function wake (db: Database.Database, w: WakeRow): void {
  db.prepare(`INSERT INTO wakes (server, trigger, method, requested_at, running_at, finished_at, outcome, requested_by)
    VALUES (?, ?, 'udp', ?, ?, ?, ?, ?)`).run(w.server ?? 'lab', w.trigger ?? 'request', w.requestedAt, w.runningAt ?? null,
    w.outcome === 'pending' ? null : (w.runningAt ?? w.requestedAt + MIN), w.outcome ?? 'running', w.requestedBy ?? null)
}

test('timeline: the phase at the window start, then one segment per change, the last one up to now', (t) => {
  const { db, reader } = rig(t)
  const from = NOW - DAY
  transition(db, 'lab', 'UNKNOWN', 'OFFLINE', from - 3 * HOUR)
  transition(db, 'lab', 'OFFLINE', 'WAKING', from + HOUR)
  transition(db, 'lab', 'WAKING', 'BOOTING', from + HOUR + 10_000)
  transition(db, 'lab', 'BOOTING', 'RUNNING', from + HOUR + 40_000)
  transition(db, 'lab', 'RUNNING', 'IDLE', from + 5 * HOUR)
  transition(db, 'other', 'OFFLINE', 'WAKING', from + 2 * HOUR) // another server's: not in lab's timeline
  assert.deepEqual(reader.timeline('lab', from, NOW), [
    { phase: 'OFFLINE', from, to: from + HOUR },
    { phase: 'WAKING', from: from + HOUR, to: from + HOUR + 10_000 },
    { phase: 'BOOTING', from: from + HOUR + 10_000, to: from + HOUR + 40_000 },
    { phase: 'RUNNING', from: from + HOUR + 40_000, to: from + 5 * HOUR },
    { phase: 'IDLE', from: from + 5 * HOUR, to: NOW }
  ])
})

test('timeline: no change in the window is one segment in the phase before it; no history at all is UNKNOWN', (t) => {
  const { db, reader } = rig(t)
  transition(db, 'lab', 'BOOTING', 'RUNNING', NOW - 3 * DAY)
  assert.deepEqual(reader.timeline('lab', NOW - DAY, NOW), [{ phase: 'RUNNING', from: NOW - DAY, to: NOW }])
  assert.deepEqual(reader.timeline('never-seen', NOW - DAY, NOW), [{ phase: 'UNKNOWN', from: NOW - DAY, to: NOW }])
})

test('segmentsOf: a change to the phase it already had (a restart) does not split the stretch', () => {
  const rows = [{ from: 'UNKNOWN', to: 'RUNNING', at: 10 }, { from: 'RUNNING', to: 'RUNNING', at: 50 }, { from: 'RUNNING', to: 'OFFLINE', at: 80 }]
  assert.deepEqual(segmentsOf('UNKNOWN', rows, 0, 100), [
    { phase: 'UNKNOWN', from: 0, to: 10 },
    { phase: 'RUNNING', from: 10, to: 80 },
    { phase: 'OFFLINE', from: 80, to: 100 }
  ])
})

test('wakes per day: counted by outcome on the local calendar, zeros included, other servers and older days left out', (t) => {
  const { db, reader } = rig(t)
  wake(db, { requestedAt: Date.parse('2026-11-26T07:00:00Z'), runningAt: Date.parse('2026-11-26T07:00:40Z') })
  wake(db, { requestedAt: Date.parse('2026-11-26T06:00:00Z'), runningAt: Date.parse('2026-11-26T06:00:30Z') })
  wake(db, { requestedAt: Date.parse('2026-11-26T05:00:00Z'), outcome: 'failed' })
  // 00:30 on the 26th in Paris, though still the 25th in UTC
  wake(db, { requestedAt: Date.parse('2026-11-25T23:30:00Z'), outcome: 'timeout' })
  // 23:30 on the 24th in Paris
  wake(db, { requestedAt: Date.parse('2026-11-24T22:30:00Z'), outcome: 'cancelled' })
  wake(db, { requestedAt: Date.parse('2026-11-18T12:00:00Z') }) // eight days back
  wake(db, { server: 'other', requestedAt: Date.parse('2026-11-26T07:30:00Z') })
  const days = reader.wakesPerDay('lab', 7, NOW, 'Europe/Paris')
  assert.deepEqual(days.map(d => d.day), ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26'])
  const zero = { pending: 0, running: 0, failed: 0, timeout: 0, cancelled: 0 }
  assert.deepEqual(days.find(d => d.day === '2026-11-26')?.counts, { ...zero, running: 2, failed: 1, timeout: 1 })
  assert.deepEqual(days.find(d => d.day === '2026-11-24')?.counts, { ...zero, cancelled: 1 })
  assert.deepEqual(days.find(d => d.day === '2026-11-25')?.counts, zero)
})

test('local days: seven distinct dates across the end of daylight saving time', () => {
  assert.deepEqual(localDays(7, Date.parse('2026-10-27T12:00:00Z'), 'Europe/Paris'),
    ['2026-10-21', '2026-10-22', '2026-10-23', '2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27'])
  assert.deepEqual(localDays(1, NOW, 'UTC'), ['2026-11-26'])
})

test('boot times: Hall\'s own successful wakes of the period, with their median and 95th percentile', (t) => {
  const { db, reader } = rig(t)
  // 20 boots taking 1 s to 20 s, stored out of order
  for (const s of [7, 3, 20, 1, 15, 9, 12, 2, 18, 5, 4, 6, 8, 10, 11, 13, 14, 16, 17, 19]) {
    const at = NOW - s * HOUR
    wake(db, { requestedAt: at, runningAt: at + s * 1000 })
  }
  wake(db, { trigger: 'external', requestedAt: NOW - HOUR, runningAt: NOW - HOUR + 500_000 }) // not a boot Hall timed
  wake(db, { requestedAt: NOW - HOUR, outcome: 'timeout' })
  wake(db, { requestedAt: NOW - 40 * DAY, runningAt: NOW - 40 * DAY + 900_000 }) // before the period
  const boots = reader.bootTimes('lab', NOW - 30 * DAY)
  assert.equal(boots.count, 20)
  assert.equal(boots.medianMs, 11_000, 'the upper middle, as the waiting page estimates')
  assert.equal(boots.p95Ms, 19_000, 'nearest rank: 19 of the 20 boots took at most this long')
  assert.deepEqual(boots.samplesMs.slice(0, 3), [1000, 2000, 3000])
  assert.deepEqual(reader.bootTimes('other', NOW - 30 * DAY), { count: 0, medianMs: null, p95Ms: null, samplesMs: [] })
})

test('bootStats of a single boot and of two', () => {
  assert.deepEqual(bootStats([42_000]), { count: 1, medianMs: 42_000, p95Ms: 42_000, samplesMs: [42_000] })
  assert.deepEqual(bootStats([30_000, 10_000]), { count: 2, medianMs: 30_000, p95Ms: 30_000, samplesMs: [10_000, 30_000] })
})

test('recent wakes and shutdowns: newest first, limited, with the account that asked', (t) => {
  const { db, reader } = rig(t)
  wake(db, { requestedAt: NOW - 3 * HOUR, runningAt: NOW - 3 * HOUR + 30_000 })
  wake(db, { trigger: 'api', requestedAt: NOW - HOUR, runningAt: NOW - HOUR + 20_000, requestedBy: 'alice' })
  wake(db, { requestedAt: NOW - 2 * HOUR, outcome: 'failed' })
  db.prepare(`INSERT INTO shutdowns (server, trigger, requested_at, sent_at, off_at, finished_at, outcome, requested_by)
    VALUES ('lab', 'api', ?, ?, ?, ?, 'off', 'bob')`).run(NOW - 30 * MIN, NOW - 29 * MIN, NOW - 28 * MIN, NOW - 28 * MIN)
  const wakes = reader.recentWakes('lab', 2)
  assert.deepEqual(wakes.map(w => [w.requestedAt, w.outcome, w.requestedBy]), [[NOW - HOUR, 'running', 'alice'], [NOW - 2 * HOUR, 'failed', null]])
  const [shutdown] = reader.recentShutdowns('lab', 5)
  assert.equal(shutdown?.requestedBy, 'bob')
  assert.equal(shutdown?.offAt, NOW - 28 * MIN)
})

function event (db: Database.Database, at: number, e: { level?: string, server?: string | null, kind?: string, message?: string, details?: string | null } = {}): number {
  return Number(db.prepare('INSERT INTO events (at, level, server, kind, message, details) VALUES (?, ?, ?, ?, ?, ?)')
    .run(at, e.level ?? 'info', e.server === undefined ? 'lab' : e.server, e.kind ?? 'note', e.message ?? `m${at}`, e.details ?? null).lastInsertRowid)
}

test('events: keyset pages cover every event once, newest first, ties in time broken by id', (t) => {
  const { db, reader } = rig(t)
  for (let i = 0; i < 120; i++) event(db, NOW - Math.floor(i / 2) * MIN) // two events per minute
  const seen: number[] = []
  let before: number | undefined
  for (let page = 0; page < 5; page++) {
    const rows = reader.events({ beforeId: before }, 50)
    if (rows.length === 0) break
    seen.push(...rows.map(r => r.id))
    before = rows.at(-1)!.id
  }
  assert.equal(seen.length, 120)
  assert.equal(new Set(seen).size, 120, 'no event on two pages')
  const all = reader.events({}, 200)
  assert.deepEqual(all.map(r => r.id), seen)
  for (let i = 1; i < all.length; i++) {
    const [a, b] = [all[i - 1]!, all[i]!]
    assert.ok(a.at > b.at || (a.at === b.at && a.id > b.id), `row ${i} is older than the one above it`)
  }
  assert.deepEqual(reader.events({ beforeId: 999_999 }, 50), [], 'an event pruned since: nothing older to show')
})

test('events: filtered by server, kind, level and period, each over an index', (t) => {
  const { db, reader } = rig(t)
  event(db, NOW - 3 * DAY, { kind: 'wake-failed', level: 'error' })
  event(db, NOW - 2 * HOUR, { kind: 'wake-failed', level: 'error', server: 'other' })
  event(db, NOW - HOUR, { kind: 'admin-wake', details: '{"account":"alice"}' })
  event(db, NOW - MIN, { kind: 'config-reloaded', server: null, details: 'not json' })
  const kinds = (q: Parameters<typeof reader.events>[0]): string[] => reader.events(q, 10).map(e => `${e.kind}@${e.server ?? '-'}`)
  assert.deepEqual(kinds({ server: 'lab' }), ['admin-wake@lab', 'wake-failed@lab'])
  assert.deepEqual(kinds({ kind: 'wake-failed' }), ['wake-failed@other', 'wake-failed@lab'])
  assert.deepEqual(kinds({ level: 'error', sinceMs: NOW - DAY }), ['wake-failed@other'])
  assert.deepEqual(kinds({ kind: 'wake-failed', server: 'lab', level: 'info' }), [])
  const [reload, adminWake] = reader.events({ sinceMs: NOW - DAY, level: 'info' }, 10)
  assert.equal(reload?.details, 'not json', 'damaged details read as their text')
  assert.deepEqual(adminWake?.details, { account: 'alice' })

  const plan = (sql: string): string => db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all('x', 1, 1, 1).map(r => r.detail).join(' | ')
  assert.match(plan('SELECT * FROM events WHERE kind = ? AND (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT ?'), /USING INDEX events_kind_at/)
  assert.match(plan('SELECT * FROM events WHERE level = ? AND (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT ?'), /USING INDEX events_level_at/)
  assert.match(plan('SELECT * FROM events WHERE server = ? AND (at, id) < (?, ?) ORDER BY at DESC, id DESC LIMIT ?'), /USING INDEX events_server_at/)
})

test('events after an id: what the live tail gets, oldest first, filtered, limited', (t) => {
  const { db, reader } = rig(t)
  const first = event(db, NOW - 10 * MIN)
  event(db, NOW - 5 * MIN, { server: 'other' })
  const third = event(db, NOW - 4 * MIN, { level: 'warn' })
  // written late with an older time (a write that waited for the lock): still after `first` by id
  const late = event(db, NOW - 20 * MIN)
  assert.deepEqual(reader.eventsAfter(first, { server: 'lab' }, 10).map(e => e.id), [third, late])
  assert.deepEqual(reader.eventsAfter(first, { level: 'warn' }, 10).map(e => e.id), [third])
  assert.deepEqual(reader.eventsAfter(first, {}, 1).map(e => e.id), [first + 1])
  assert.deepEqual(reader.eventsAfter(late, {}, 10), [])
})
