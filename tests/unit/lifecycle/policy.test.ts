import assert from 'node:assert/strict'
import test from 'node:test'
import { parseConfig } from '../../../service/src/config/load.js'
import { DEFAULT_BOOT_MS, medianBootMs, policyAt, TICK_MS } from '../../../service/src/lifecycle/policy.js'

const serverWith = (entry: object) => parseConfig(JSON.stringify({
  servers: { s: { ip: '10.0.0.1', mac: '00:11:22:33:44:55', ...entry } },
  domains: { 'a.test': { server: 's', upstream: 'http://10.0.0.1' } }
})).servers.get('s')!

test('always_on wants the server up and never idle; on_demand the opposite', () => {
  assert.deepEqual(policyAt(serverWith({ policy: 'always_on' }), 0, DEFAULT_BOOT_MS), { wantUp: true, mayIdle: false })
  assert.deepEqual(policyAt(serverWith({ policy: 'on_demand' }), 0, DEFAULT_BOOT_MS), { wantUp: false, mayIdle: true })
})

test('scheduled: up inside a window and one boot time (plus a tick) before it; on demand otherwise', () => {
  const s = serverWith({ policy: 'scheduled', schedule: { timezone: 'UTC', windows: [{ days: ['thu'], from: '08:00', to: '19:00' }] } })
  const opens = Date.parse('2026-11-26T08:00:00Z') // a Thursday
  const boot = 90_000
  assert.deepEqual(policyAt(s, opens - boot - TICK_MS - 1, boot), { wantUp: false, mayIdle: true })
  assert.deepEqual(policyAt(s, opens - boot - TICK_MS, boot), { wantUp: true, mayIdle: false })
  assert.deepEqual(policyAt(s, opens + 3600_000, boot), { wantUp: true, mayIdle: false })
  assert.deepEqual(policyAt(s, Date.parse('2026-11-26T19:00:00Z'), boot), { wantUp: false, mayIdle: true })
})

test('expected boot time: the median of recent boots, none without history (the scheduler then assumes 60 s)', () => {
  assert.equal(medianBootMs([]), null)
  assert.equal(DEFAULT_BOOT_MS, 60_000)
  assert.equal(medianBootMs([30_000, 500_000, 40_000]), 40_000, 'one slow boot does not skew it')
})
