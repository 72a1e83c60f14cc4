import assert from 'node:assert/strict'
import { test } from 'node:test'
import { hallBaseUrl } from '../../../service/src/cli/api-client.js'
import { describeAnswer } from '../../../service/src/cli/control-command.js'

// every answer POST /api/wol and /api/shutdown can give, as the CLI prints it
const cases = [
  { name: 'wake started', action: 'wake', status: 202, body: { server: 'erp', outcome: 'started', wake_id: 7, state: 'WAKING' }, ok: true, text: 'erp: wake started (id 7), state WAKING' },
  { name: 'wake started, id not yet known', action: 'wake', status: 202, body: { server: 'erp', outcome: 'started', wake_id: null, state: 'UNKNOWN' }, ok: true, text: 'erp: wake started, state UNKNOWN' },
  { name: 'wake in flight', action: 'wake', status: 202, body: { server: 'erp', outcome: 'in-flight', wake_id: 7, state: 'BOOTING' }, ok: true, text: 'erp: a wake is already under way (id 7), state BOOTING' },
  { name: 'already up', action: 'wake', status: 200, body: { server: 'erp', outcome: 'already-up', wake_id: null, state: 'RUNNING' }, ok: true, text: 'erp: already up (RUNNING)' },
  { name: 'shutdown started', action: 'shutdown', status: 202, body: { server: 'erp', outcome: 'started', shutdown_id: 3, state: 'SHUTDOWN' }, ok: true, text: 'erp: shutdown started (id 3), state SHUTDOWN' },
  { name: 'already off', action: 'shutdown', status: 200, body: { server: 'erp', outcome: 'already-off', shutdown_id: null, state: 'OFFLINE' }, ok: true, text: 'erp: already off (OFFLINE)' },
  { name: 'refused', action: 'wake', status: 409, body: { error: 'HALL_ERR_WAKE_REFUSED', message: 'the last wake failed moments ago; retry in a few seconds', server: 'erp', outcome: 'refused', state: 'OFFLINE' }, ok: false, text: 'erp: wake refused (OFFLINE): the last wake failed moments ago; retry in a few seconds' },
  { name: 'bad key', action: 'wake', status: 401, body: { error: 'HALL_ERR_API_KEY_INVALID', message: 'a valid X-API-Key header is required' }, ok: false, text: 'HALL_ERR_API_KEY_INVALID: a valid X-API-Key header is required (Hall refused the key: check HALL_API_KEY or --key, and that the key is not revoked)' },
  { name: 'out of scope', action: 'shutdown', status: 403, body: { error: 'HALL_ERR_API_KEY_FORBIDDEN', message: 'the key "ha" may not shutdown erp' }, ok: false, text: 'HALL_ERR_API_KEY_FORBIDDEN: the key "ha" may not shutdown erp' },
  { name: 'unknown server', action: 'wake', status: 404, body: { error: 'HALL_ERR_SERVER_UNKNOWN', message: 'Hall has no server named "erp"' }, ok: false, text: 'HALL_ERR_SERVER_UNKNOWN: Hall has no server named "erp"' },
  { name: 'an empty 502 from a proxy in front', action: 'wake', status: 502, body: null, ok: false, text: 'HTTP 502: unexpected answer' }
] as const
for (const c of cases) {
  test(`hall ${c.action}: ${c.name}`, () => {
    assert.deepEqual(describeAnswer(c.action, 'erp', { status: c.status, body: c.body }), { text: c.text, ok: c.ok })
  })
}

const urlCases = [
  { name: '--url wins, trailing slash dropped', flag: 'http://gw.lan:9000/', env: { hallUrl: 'http://other:1', host: '127.0.0.1', port: 8080 }, want: 'http://gw.lan:9000' },
  { name: 'HALL_URL next', flag: undefined, env: { hallUrl: 'https://hall.example.test', host: '127.0.0.1', port: 8080 }, want: 'https://hall.example.test' },
  { name: 'else HALL_HOST:HALL_PORT', flag: undefined, env: { hallUrl: null, host: '127.0.0.1', port: 8081 }, want: 'http://127.0.0.1:8081' },
  { name: 'a wildcard IPv4 listen address means loopback', flag: undefined, env: { hallUrl: null, host: '0.0.0.0', port: 8080 }, want: 'http://127.0.0.1:8080' },
  { name: 'a wildcard IPv6 listen address means ::1', flag: undefined, env: { hallUrl: null, host: '::', port: 8080 }, want: 'http://[::1]:8080' },
  { name: 'an IPv6 host is bracketed', flag: undefined, env: { hallUrl: null, host: 'fd00::2', port: 8080 }, want: 'http://[fd00::2]:8080' }
]
for (const c of urlCases) test(`base URL: ${c.name}`, () => assert.equal(hallBaseUrl(c.flag, c.env), c.want))
