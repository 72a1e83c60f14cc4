import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { readEnv } from '../../../service/src/config/env.js'
import { startAsleep } from '../../helpers/hall-in-process.js'

const TOKEN = 'a-metrics-token-of-forty-bytes-0123456789'

/** Hall's peer in these tests is always 127.0.0.1, a trusted proxy: X-Forwarded-For names the client. */
async function get (t: TestContext, env: Record<string, string>, headers: Record<string, string>): Promise<{ status: number, body: string, wwwAuthenticate: string | null }> {
  const { hall } = await startAsleep(t, env)
  const res = await fetch(`${hall.url}/metrics`, { headers })
  return { status: res.status, body: await res.text(), wwwAuthenticate: res.headers.get('www-authenticate') }
}

const LAN = { HALL_ADMIN_ALLOW: '192.168.0.0/16' }
interface Case { name: string, env: Record<string, string>, headers: Record<string, string>, status: number, error?: string }
const cases: Case[] = [
  { name: 'LAN client through the proxy, no token configured', env: LAN, headers: { 'x-forwarded-for': '192.168.1.20' }, status: 200 },
  { name: 'LAN client, token configured but not sent', env: { ...LAN, HALL_METRICS_TOKEN: TOKEN }, headers: { 'x-forwarded-for': '192.168.1.20' }, status: 200 },
  { name: 'internet client, no token configured', env: LAN, headers: { 'x-forwarded-for': '203.0.113.9' }, status: 403, error: 'HALL_ERR_METRICS_NOT_ALLOWED' },
  { name: 'internet client sending a token none is configured for', env: LAN, headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${TOKEN}` }, status: 403, error: 'HALL_ERR_METRICS_NOT_ALLOWED' },
  { name: 'internet client without the token', env: { ...LAN, HALL_METRICS_TOKEN: TOKEN }, headers: { 'x-forwarded-for': '203.0.113.9' }, status: 401, error: 'HALL_ERR_METRICS_TOKEN_INVALID' },
  { name: 'internet client with a wrong token', env: { ...LAN, HALL_METRICS_TOKEN: TOKEN }, headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${TOKEN}x` }, status: 401, error: 'HALL_ERR_METRICS_TOKEN_INVALID' },
  { name: 'internet client with the token as a Basic credential', env: { ...LAN, HALL_METRICS_TOKEN: TOKEN }, headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Basic ${TOKEN}` }, status: 401, error: 'HALL_ERR_METRICS_TOKEN_INVALID' },
  { name: 'internet client with the token', env: { ...LAN, HALL_METRICS_TOKEN: TOKEN }, headers: { 'x-forwarded-for': '203.0.113.9', authorization: `Bearer ${TOKEN}` }, status: 200 },
  // entries left of the proxy's own are the client's words: a forged LAN address opens nothing
  { name: 'forged LAN entry left of the proxy\'s', env: LAN, headers: { 'x-forwarded-for': '192.168.1.20, 203.0.113.9' }, status: 403, error: 'HALL_ERR_METRICS_NOT_ALLOWED' },
  { name: 'the proxy\'s own request (loopback), loopback not allowed', env: LAN, headers: {}, status: 403, error: 'HALL_ERR_METRICS_NOT_ALLOWED' },
  { name: 'the proxy\'s own request, default allow-list (loopback)', env: {}, headers: {}, status: 200 }
]

for (const c of cases) {
  test(`GET /metrics: ${c.name} -> ${c.status}`, async (t) => {
    const res = await get(t, c.env, c.headers)
    assert.equal(res.status, c.status)
    if (c.status === 200) {
      assert.match(res.body, /^# HELP hall_server_state /m)
    } else {
      assert.equal(JSON.parse(res.body).error, c.error)
      assert.ok(!res.body.includes('hall_'), 'no metric leaks into a refusal')
      assert.equal(res.wwwAuthenticate, c.status === 401 ? 'Bearer' : null)
    }
  })
}

test('HALL_METRICS_TOKEN shorter than 32 bytes is refused at start, without echoing it', () => {
  assert.throws(() => readEnv({ HALL_METRICS_TOKEN: 'short-secret' }), (err: Error) => {
    assert.match(err.message, /HALL_METRICS_TOKEN=\(12 bytes\) is not valid .*It is the bearer token that opens GET \/metrics/)
    assert.ok(!err.message.includes('short-secret'))
    return true
  })
})
