import test from 'node:test'
import assert from 'node:assert/strict'
import { createEnergyFacts } from '../../../service/src/store/energy-facts.js'
import { createUptime, UPTIME_BEAT_MS } from '../../../service/src/store/uptime.js'
import { tempDatabase } from '../../helpers/temp-database.js'

const t0 = Date.UTC(2026, 2, 28, 10, 0)

test('a run opens on its first beat and moves on at most once a minute, and always on a clean stop', (t) => {
  const db = tempDatabase(t)
  const uptime = createUptime(db)
  uptime.beat(t0)
  uptime.beat(t0 + 1_000) // within the minute: no write
  assert.deepEqual(uptime.runsBetween(0, t0 + 1), [{ startedAt: t0, lastSeenAt: t0 }])
  uptime.beat(t0 + UPTIME_BEAT_MS)
  assert.deepEqual(uptime.runsBetween(0, t0 + 1), [{ startedAt: t0, lastSeenAt: t0 + UPTIME_BEAT_MS }])
  uptime.beat(t0 + UPTIME_BEAT_MS + 5_000, true)
  assert.deepEqual(uptime.runsBetween(0, t0 + 1), [{ startedAt: t0, lastSeenAt: t0 + UPTIME_BEAT_MS + 5_000 }])
})

test('each Hall process is its own run: the gap between them is the time Hall was down', (t) => {
  const db = tempDatabase(t)
  createUptime(db).beat(t0)
  const second = createUptime(db)
  second.beat(t0 + 3_600_000)
  assert.deepEqual(second.runsBetween(t0, t0 + 7_200_000), [
    { startedAt: t0, lastSeenAt: t0 },
    { startedAt: t0 + 3_600_000, lastSeenAt: t0 + 3_600_000 }
  ])
  // a period after every run, or before the first, overlaps none
  assert.deepEqual(second.runsBetween(t0 + 3_600_001, t0 + 7_200_000), [])
  assert.deepEqual(second.runsBetween(0, t0), [])
})

test('the energy report\'s facts: a server whose last transition was pruned starts the period in its saved state', (t) => {
  const db = tempDatabase(t)
  const since = t0 - 100 * 86_400_000
  db.prepare('INSERT INTO server_state (server, phase, since, updated_at) VALUES (?, ?, ?, ?)').run('nas', 'RUNNING', since, since)
  const facts = createEnergyFacts(db)
  assert.deepEqual(facts.transitions('nas', t0, t0 + 3_600_000), [{ from: 'RUNNING', to: 'RUNNING', at: since }])
  // a recorded transition before the period wins over the state row
  db.prepare('INSERT INTO transitions (server, from_phase, to_phase, at, reason) VALUES (?, ?, ?, ?, ?)').run('nas', 'OFFLINE', 'RUNNING', t0 - 60_000, 'test')
  assert.deepEqual(facts.transitions('nas', t0, t0 + 3_600_000), [{ from: 'OFFLINE', to: 'RUNNING', at: t0 - 60_000 }])
})
