import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderStatusTable, serverRows } from '../../../service/src/cli/status.js'

const NOW = Date.UTC(2026, 10, 26, 8, 0, 0)
const iso = (msAgo: number): string => new Date(NOW - msAgo).toISOString()

// the shape of GET /api/status, trimmed to what the CLI reads
const domains = [
  { domain: 'a.example.test', server: 'erp', state: 'RUNNING', since: iso(3 * 3600_000), policy: 'scheduled', last_wake: { id: 12, trigger: 'schedule', outcome: 'running', requested_at: iso(3 * 3600_000 + 60_000) } },
  { domain: 'b.example.test', server: 'testing', state: 'OFFLINE', since: iso(20 * 60_000), policy: 'on_demand', last_wake: null },
  { domain: 'c.example.test', server: 'erp', state: 'RUNNING', since: iso(3 * 3600_000), policy: 'scheduled', last_wake: { id: 12, trigger: 'schedule', outcome: 'running', requested_at: iso(3 * 3600_000 + 60_000) } }
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
