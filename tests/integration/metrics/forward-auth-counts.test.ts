import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DOMAIN, startAsleep } from '../../helpers/hall-in-process.js'
import { valueOf } from './exposition.js'

const N = 300

async function hit (url: string, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${url}/forward-auth`, { headers, redirect: 'manual' })
  await res.arrayBuffer()
  return res.status
}

const browser = { 'x-forwarded-host': DOMAIN, 'x-forwarded-uri': '/', 'x-forwarded-proto': 'https', 'x-forwarded-method': 'GET', accept: 'text/html' }
const script = { 'x-forwarded-host': DOMAIN, 'x-forwarded-uri': '/api', 'x-forwarded-proto': 'https', 'x-forwarded-method': 'POST', accept: 'application/json' }

/** N requests of each kind, in parallel batches: the counts read back exactly N, not more, not fewer. */
async function send (url: string, headers: Record<string, string>, expectStatus: number): Promise<void> {
  for (let sent = 0; sent < N; sent += 50) {
    const statuses = await Promise.all(Array.from({ length: Math.min(50, N - sent) }, async () => await hit(url, headers)))
    assert.deepEqual(new Set(statuses), new Set([expectStatus]))
  }
}

test(`forward-auth answers are counted exactly: ${N} of each outcome read back as ${N}`, async (t) => {
  const { hall } = await startAsleep(t)
  await send(hall.url, browser, 302)
  await send(hall.url, script, 503)
  await send(hall.url, { ...browser, 'x-forwarded-host': 'other.hall.test' }, 404)
  await send(hall.url, { accept: 'text/html' }, 404)
  const text = await (await fetch(`${hall.url}/metrics`)).text()
  assert.equal(valueOf(text, 'hall_forward_auth_answers_total', { domain: DOMAIN, outcome: 'redirect' }), N)
  assert.equal(valueOf(text, 'hall_forward_auth_answers_total', { domain: DOMAIN, outcome: 'unavailable' }), N)
  assert.equal(valueOf(text, 'hall_forward_auth_answers_total', { domain: DOMAIN, outcome: 'pass' }), 0)
  // the host a client sent for an unknown domain is never a label: no series per guessed name
  assert.equal(valueOf(text, 'hall_forward_auth_answers_total', { domain: '', outcome: 'unknown-domain' }), N)
  assert.equal(valueOf(text, 'hall_forward_auth_answers_total', { domain: '', outcome: 'no-host' }), N)
  assert.ok(!text.includes('other.hall.test'))
})

test('forward-auth calls from an untrusted peer are counted as untrusted', async (t) => {
  // loopback is no trusted proxy here; it stays on the allow-list, so /metrics still answers
  const { hall } = await startAsleep(t, { HALL_TRUSTED_PROXIES: '10.0.0.0/8' })
  await send(hall.url, browser, 403)
  const text = await (await fetch(`${hall.url}/metrics`)).text()
  assert.equal(valueOf(text, 'hall_forward_auth_answers_total', { domain: '', outcome: 'untrusted' }), N)
  assert.equal(valueOf(text, 'hall_forward_auth_answers_total', { domain: DOMAIN, outcome: 'redirect' }), 0)
})
