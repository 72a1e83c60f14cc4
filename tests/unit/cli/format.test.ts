import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatAgo, renderTable } from '../../../service/src/cli/format.js'

const NOW = Date.UTC(2026, 10, 26, 8, 0, 0)
const agoCases = [
  { name: 'same instant', at: NOW, want: 'just now' },
  { name: 'ahead (clock skew)', at: NOW + 5000, want: 'just now' },
  { name: 'seconds', at: NOW - 42_000, want: '42 s ago' },
  { name: 'minutes, rounded down', at: NOW - 5 * 60_000 - 59_000, want: '5 min ago' },
  { name: 'hours', at: NOW - 3 * 3600_000, want: '3 h ago' },
  { name: 'a day and a half is still hours', at: NOW - 36 * 3600_000, want: '36 h ago' },
  { name: 'days', at: NOW - 5 * 86400_000, want: '5 days ago' }
]
for (const c of agoCases) test(`formatAgo: ${c.name}`, () => assert.equal(formatAgo(c.at, NOW), c.want))

test('renderTable: columns aligned to the widest cell, no trailing spaces', () => {
  const text = renderTable(['NAME', 'STATE', 'DOMAINS'], [['erp', 'RUNNING', 'erp.example.test'], ['testing-lab', 'OFFLINE', '']])
  assert.equal(text, [
    'NAME         STATE    DOMAINS',
    'erp          RUNNING  erp.example.test',
    'testing-lab  OFFLINE',
    ''
  ].join('\n'))
})
