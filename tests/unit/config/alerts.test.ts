import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseConfig } from '../../../service/src/config/load.js'

const file = (alerts: unknown): string => JSON.stringify({ domains: {}, alerts })

test('alerts: a webhook with a secret header and an ntfy topic, as the service runs on them', () => {
  const config = parseConfig(file([
    { name: 'ops', url: 'https://hooks.example.test/hall', headers: { Authorization: { env: 'HALL_ALERT_TOKEN' }, 'X-Team': 'infra' }, events: ['wake_failed'], down_after_minutes: 2 },
    { ntfy: { topic: 'hall-alerts', token_env: 'NTFY_TOKEN' } }
  ]))
  const [ops, phone] = config.alerts
  assert.equal(ops?.label, 'ops')
  assert.deepEqual(ops?.destination, { kind: 'webhook', url: 'https://hooks.example.test/hall', headers: new Map([['authorization', { kind: 'env', variable: 'HALL_ALERT_TOKEN' }], ['x-team', { kind: 'text', text: 'infra' }]]) })
  assert.deepEqual([...ops!.events], ['wake_failed'])
  assert.equal(ops?.downAfterMs, 120_000)
  assert.equal(phone?.label, 'alerts[1]')
  assert.deepEqual(phone?.destination, { kind: 'ntfy', url: 'https://ntfy.sh', topic: 'hall-alerts', tokenEnv: 'NTFY_TOKEN' })
  assert.equal(phone?.events.size, 5)
  assert.equal(phone?.flappingChangesPerHour, 12)
})

test('no alerts key: no targets', () => {
  assert.deepEqual(parseConfig(file(undefined)).alerts, [])
})

test('every problem of an alerts list is reported at once, each with its path', () => {
  assert.throws(() => parseConfig(file([
    { url: 'ftp://x', events: ['wake_faild'] },
    { ntfy: { topic: 'a b' }, headers: { A: 'b' } },
    { urll: 'http://x/' }
  ])), (err: Error) => {
    assert.deepEqual(err.message.split('\n').slice(1).map(l => l.trim()), [
      'alerts[0].url: expected an absolute http:// or https:// URL, got "ftp://x"',
      'alerts[0].events[0]: expected "wake_failed", "always_on_down", "flapping", "shutdown_failed" or "config_rejected", got "wake_faild"',
      'alerts[1].ntfy.topic: expected an ntfy topic: letters, digits, "-" or "_", got "a b"',
      'alerts[1]: "headers" go with "url" (a JSON webhook)',
      'alerts[2].urll: unknown key (did you mean "url"?)',
      'alerts[2]: an alert target needs one of "url" (a JSON webhook) or "ntfy", not both'
    ])
    return true
  })
})

test('a literal header value must be printable ASCII: the error names the header', () => {
  const headers = { 'X-Note': 'Hall → ops', 'X-Two': 'line\nbreak', 'X-Fine': 'tab\tand ~ ASCII' }
  assert.throws(() => parseConfig(file([{ url: 'https://hooks.example.test/hall', headers }])), (err: Error) => {
    assert.deepEqual(err.message.split('\n').slice(1).map(l => l.trim()), [
      'alerts[0].headers["X-Note"]: expected a header value in printable ASCII (no accents, symbols such as "→" or line breaks), got "Hall → ops"',
      'alerts[0].headers["X-Two"]: expected a header value in printable ASCII (no accents, symbols such as "→" or line breaks), got "line\\nbreak"'
    ])
    return true
  })
})
