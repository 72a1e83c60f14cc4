import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseConfig } from '../../../service/src/config/load.js'
import { buildHealthReport, createWindowMemo, judgeServer } from '../../../service/src/http/health-report.js'
import { windowAt } from '../../../service/src/lifecycle/schedule.js'
import type { Phase } from '../../../service/src/lifecycle/states.js'
import type { WakeRecord } from '../../../service/src/store/index.js'

const config = parseConfig(JSON.stringify({
  servers: {
    office: {
      ip: '127.0.0.1',
      mac: '02:00:00:00:00:01',
      policy: 'scheduled',
      schedule: { timezone: 'Europe/Paris', windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '19:00' }] }
    }
  },
  domains: { 'office.hall.test': { server: 'office', upstream: 'http://127.0.0.1:9' } }
}))
const office = config.servers.get('office')!
const TUESDAY_NOON = Date.parse('2026-12-01T11:00:00Z') // 12:00 in Paris, inside the window
const SATURDAY_NOON = Date.parse('2026-12-05T11:00:00Z')
const failedWake = { outcome: 'failed' } as WakeRecord

const cases: Array<{ name: string, phase: Phase, at: number, wake: WakeRecord | null, healthy: boolean }> = [
  { name: 'asleep outside its window', phase: 'OFFLINE', at: SATURDAY_NOON, wake: null, healthy: true },
  { name: 'asleep inside its window', phase: 'OFFLINE', at: TUESDAY_NOON, wake: null, healthy: false },
  { name: 'running inside its window', phase: 'RUNNING', at: TUESDAY_NOON, wake: null, healthy: true },
  { name: 'not probed yet', phase: 'UNKNOWN', at: TUESDAY_NOON, wake: null, healthy: true },
  { name: 'last wake failed, outside its window', phase: 'OFFLINE', at: SATURDAY_NOON, wake: failedWake, healthy: false },
  { name: 'last wake failed, but serving now', phase: 'IDLE', at: SATURDAY_NOON, wake: failedWake, healthy: true }
]
for (const c of cases) {
  test(`scheduled server ${c.name}: healthy ${c.healthy}`, () => {
    assert.equal(judgeServer(office, c.phase, c.wake, c.at).healthy_for_its_policy, c.healthy)
  })
}

test('writes waiting for the database lock show as database "waiting"; no config time, no field', () => {
  const report = buildHealthReport({ config, phaseOf: () => 'OFFLINE', latestWake: () => null, now: TUESDAY_NOON, version: '1.2.3', startedAt: TUESDAY_NOON - 90_000, configLoadedAt: null, queuedWrites: 3 })
  assert.deepEqual(report.hall, { version: '1.2.3', uptime_seconds: 90, database: 'waiting', queued_writes: 3 })
  assert.equal(report.status, 'degraded')
  assert.equal(report.servers?.office?.problem, 'inside its schedule window and not serving')
})

test('the window memo answers as windowAt does, every 10 minutes over 8 days and when the clock goes back', () => {
  const isOpen = createWindowMemo()
  const schedule = office.schedule!
  const times = Array.from({ length: 8 * 144 }, (_, i) => SATURDAY_NOON + i * 600_000)
  for (const at of [...times, TUESDAY_NOON, SATURDAY_NOON]) {
    assert.equal(isOpen(schedule, at), windowAt(schedule, at) !== null, new Date(at).toISOString())
  }
})
