import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseStatusList, renderStatusTable, serverRows } from '../../../service/src/cli/status.js'
import type { DomainStatus, WakeJson } from '../../../service/src/contract/status.js'
import { HallError } from '../../../service/src/errors.js'

const NOW = Date.UTC(2026, 10, 26, 8, 0, 0)
const iso = (msAgo: number): string => new Date(NOW - msAgo).toISOString()
const URL = 'http://127.0.0.1:8080/api/status'

const scheduledWake: WakeJson = {
  id: 12,
  trigger: 'schedule',
  method: 'udp',
  requested_at: iso(3 * 3600_000 + 60_000),
  sent_at: iso(3 * 3600_000 + 59_000),
  packets_sent: 3,
  exit_code: null,
  alive_at: iso(3 * 3600_000 + 30_000),
  running_at: iso(3 * 3600_000),
  finished_at: iso(3 * 3600_000),
  outcome: 'running',
  error: null,
  timeline_ms: { sent: 1000, alive: 30_000, running: 60_000 }
}

/** One domain as GET /api/status lists it, every field present. */
function domainStatus (domain: string, server: string, fields: Partial<DomainStatus>): DomainStatus {
  return {
    domain,
    server,
    state: 'OFFLINE',
    activity: 'asleep',
    since: iso(20 * 60_000),
    policy: 'on_demand',
    expected_boot_seconds: null,
    failure: null,
    last_wake: null,
    last_probe: null,
    power: { last_activity_at: null, idle_since: null, idle_shutdown_minutes: null, shutdown_suspended: false, last_shutdown: null },
    schedule: null,
    ...fields
  }
}

const erp = { state: 'RUNNING', activity: 'ready', since: iso(3 * 3600_000), policy: 'scheduled', expected_boot_seconds: 60, last_wake: scheduledWake } as const
const domains = [
  domainStatus('a.example.test', 'erp', erp),
  domainStatus('b.example.test', 'testing', {}),
  domainStatus('c.example.test', 'erp', erp)
]

test('hall status: one row per server, with all its domains, in the order the API lists them', () => {
  assert.deepEqual(serverRows(domains).map(r => [r.server, r.domains]), [['erp', ['a.example.test', 'c.example.test']], ['testing', ['b.example.test']]])
})

test('hall status: state, since when, and the last wake with its outcome, age and trigger', () => {
  assert.equal(renderStatusTable(serverRows(domains), NOW), [
    'SERVER   STATE    SINCE       POLICY     LAST WAKE                        DOMAINS',
    'erp      RUNNING  3 h ago     scheduled  #12 running, 3 h ago (schedule)  a.example.test, c.example.test',
    'testing  OFFLINE  20 min ago  on_demand  never                            b.example.test',
    ''
  ].join('\n'))
})

test('hall status: a Hall without domains says so', () => {
  assert.equal(renderStatusTable([], NOW), 'Hall fronts no domains\n')
})

test('hall status: a status list as Hall sends it is read whole, and fields it does not know are ignored', () => {
  const body = JSON.parse(JSON.stringify({ domains, extra: true }))
  assert.deepEqual(parseStatusList(URL, { status: 200, body }), { domains })
})

const refusals = [
  { name: 'another status', answer: { status: 503, body: { error: 'X', message: 'closing' } }, message: /answered 503 instead of the status list/ },
  { name: 'not a list of domains', answer: { status: 200, body: { ok: true } }, message: /^[^\n]+does not understand[^\n]+\n {2}domains: / },
  { name: 'no body', answer: { status: 200, body: null }, message: /does not understand/ },
  {
    name: 'a state this CLI does not know',
    answer: { status: 200, body: { domains: [{ ...domains[1], state: 'ASLEEP' }] } },
    message: /\n {2}domains\[0\]\.state: Invalid option: expected one of "UNKNOWN"\|/
  },
  {
    name: 'a missing field deep inside',
    answer: { status: 200, body: { domains: [{ ...domains[0], last_wake: { ...scheduledWake, timeline_ms: undefined } }] } },
    message: /\n {2}domains\[0\]\.last_wake\.timeline_ms: /
  }
]
for (const c of refusals) {
  test(`hall status: ${c.name} is HALL_ERR_CLI_RESPONSE, saying where`, () => {
    assert.throws(() => parseStatusList(URL, c.answer), (err: unknown) => {
      assert.ok(err instanceof HallError)
      assert.equal(err.code, 'HALL_ERR_CLI_RESPONSE')
      assert.ok(err.message.startsWith(URL), err.message)
      assert.match(err.message, c.message)
      return true
    })
  })
}
