import assert from 'node:assert/strict'
import test from 'node:test'
import { readConfig } from '../../../service/src/config/load.js'

const server = (extra: object): object => ({ ip: '192.168.1.30', mac: '11:22:33:44:55:66', ...extra })
const schedule = { timezone: 'Europe/Paris', windows: [{ days: ['mon'], from: '08:00', to: '19:00' }] }
const warningsOf = (servers: object, domains: object = {}): string[] =>
  readConfig(JSON.stringify({ servers, domains })).warnings.map(w => `${w.path}: ${w.message}`)

const cases = [
  { name: 'scheduled with a schedule', servers: { erp: server({ policy: 'scheduled', schedule }) }, want: [] },
  { name: 'on_demand without a schedule', servers: { erp: server({ policy: 'on_demand' }) }, want: [] },
  {
    name: 'scheduled without a schedule behaves as on_demand',
    servers: { erp: server({ policy: 'scheduled' }) },
    want: ['servers.erp.policy: "scheduled" without a "schedule": the server behaves as on_demand; add a schedule with a timezone and windows, or say "on_demand"']
  },
  {
    name: 'a schedule under the default policy is ignored',
    servers: { erp: server({ schedule }) },
    want: ['servers.erp.schedule: ignored: the policy is "on_demand"; set "policy": "scheduled" to use it, or remove it']
  },
  {
    name: 'a schedule on an always_on server is ignored',
    servers: { erp: server({ policy: 'always_on', schedule }) },
    want: ['servers.erp.schedule: ignored: the policy is "always_on"; set "policy": "scheduled" to use it, or remove it']
  }
]
for (const c of cases) {
  test(`config warnings: ${c.name}`, () => assert.deepEqual(warningsOf(c.servers), c.want))
}

test('config warnings: a flat-form domain cannot be scheduled, and says so', () => {
  const flat = { server_ip: '192.168.1.20', server_mac: 'AA:BB:CC:DD:EE:FF', wol_policy: 'scheduled', redirect_url: 'https://testing-app:8443' }
  assert.deepEqual(warningsOf({}, { 'testing.audit-io.fr': flat }), [
    'domains["testing.audit-io.fr"].wol_policy: "scheduled" needs windows, which the flat form cannot hold: the server behaves as on_demand; define it under "servers" with a "schedule"'
  ])
})
