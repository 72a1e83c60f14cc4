import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createAlertSender, type RetryPolicy } from '../../../service/src/alerts/alert-sender.js'
import type { Alert } from '../../../service/src/alerts/incident-tracker.js'
import { systemClock } from '../../../service/src/clock.js'
import { toAlertTargets } from '../../../service/src/config/alerts-normalize.js'
import { alertsSchema } from '../../../service/src/config/alerts-schema.js'
import { freePort } from '../../helpers/free-port.js'
import { capturedLog, startReceiver } from './alert-rig.js'

// The sender against a real loopback receiver: short retries, so a target that stays down is
// given up within a fraction of a second.

const RETRY: RetryPolicy = { attempts: 3, firstMs: 10, maxMs: 20, timeoutMs: 1000 }
const TOKEN = 'tok-3f9d2c7e-never-logged'
const secrets = (variable: string): string | null => variable === 'HALL_ALERT_TOKEN' ? TOKEN : null
const alert: Alert = { event: 'wake_failed', status: 'firing', server: 'lab', at: Date.UTC(2026, 11, 1, 9), message: 'waking lab timed out' }
const targetsOf = (entries: unknown): ReturnType<typeof toAlertTargets> => toAlertTargets(alertsSchema.parse(entries))

test('a webhook gets one JSON message with its secret header; the log names the target only', async (t) => {
  const receiver = await startReceiver(t)
  const url = `${receiver.url}/hooks/url-secret-abc`
  const [target] = targetsOf([{ name: 'ops', url, headers: { Authorization: { env: 'HALL_ALERT_TOKEN' }, 'X-Team': 'infra' } }])
  const { log, text } = capturedLog()
  const sender = createAlertSender({ clock: systemClock, log, secrets, retry: RETRY })
  sender.send(target!, alert)
  await sender.settled()
  assert.equal(receiver.received.length, 1)
  const got = receiver.received[0]!
  assert.equal(got.path, '/hooks/url-secret-abc')
  assert.equal(got.headers.authorization, TOKEN)
  assert.equal(got.headers['x-team'], 'infra')
  assert.deepEqual(JSON.parse(got.body), { source: 'hall', event: 'wake_failed', status: 'firing', server: 'lab', at: '2026-12-01T09:00:00.000Z', title: 'Hall: wake failed on lab', message: 'waking lab timed out' })
  assert.match(text(), /"alertTarget":"ops".*"msg":"alert sent"/)
  for (const secret of [url, 'url-secret-abc', TOKEN]) assert.equal(text().includes(secret), false, `${secret} is in the log`)
})

test('an ntfy topic gets the message as text, a title, and the bearer token', async (t) => {
  const receiver = await startReceiver(t)
  const [target] = targetsOf([{ ntfy: { url: `${receiver.url}/`, topic: 'hall-alerts', token_env: 'HALL_ALERT_TOKEN' } }])
  const sender = createAlertSender({ clock: systemClock, log: capturedLog().log, secrets, retry: RETRY })
  sender.send(target!, { ...alert, status: 'resolved', message: 'lab woke' })
  await sender.settled()
  assert.deepEqual(receiver.received.map(r => [r.path, r.body, r.headers.authorization, r.headers.title, r.headers.tags]),
    [['/hall-alerts', 'lab woke', `Bearer ${TOKEN}`, 'Hall: wake failed on lab (resolved)', 'white_check_mark']])
})

test('a target answering 500 is tried `attempts` times, then given up: nothing more, no crash, no URL in the log', async (t) => {
  const receiver = await startReceiver(t, () => 500)
  const url = `${receiver.url}/hook/url-secret-500`
  const [target] = targetsOf([{ url }])
  const { log, text } = capturedLog()
  const sender = createAlertSender({ clock: systemClock, log, secrets, retry: RETRY })
  sender.send(target!, alert)
  await sender.settled()
  assert.equal(receiver.received.length, RETRY.attempts)
  assert.match(text(), /"alertTarget":"alerts\[0\]".*"attempts":3,"reason":"HTTP 500","msg":"alert not delivered/)
  assert.equal(text().includes('url-secret-500'), false)
  // settled: no retry is left pending, so nothing can arrive later
  sender.close()
  assert.equal(receiver.received.length, RETRY.attempts)
})

test('a target that is down (connection refused) is given up after the retries, and the next alert still goes out in order', async (t) => {
  const closedPort = await freePort()
  const receiver = await startReceiver(t)
  const targets = targetsOf([{ name: 'down', url: `http://127.0.0.1:${closedPort}/x` }, { name: 'up', url: `${receiver.url}/y` }])
  const { log, text } = capturedLog()
  const sender = createAlertSender({ clock: systemClock, log, secrets, retry: RETRY })
  sender.send(targets[0]!, alert)
  sender.send(targets[1]!, alert)
  sender.send(targets[1]!, { ...alert, status: 'resolved' })
  await sender.settled()
  assert.match(text(), /"alertTarget":"down".*"reason":"ECONNREFUSED","msg":"alert not delivered/)
  assert.deepEqual(receiver.received.map(r => (JSON.parse(r.body) as { status: string }).status), ['firing', 'resolved'])
  assert.equal(text().includes(String(closedPort)), false)
})

test('a secret holding a line break: that alert is given up at once, naming the variable, not its value; no crash, and the next one goes', async (t) => {
  const receiver = await startReceiver(t)
  const [target] = targetsOf([{ name: 'ops', url: `${receiver.url}/hook`, headers: { Authorization: { env: 'HALL_ALERT_TOKEN' } } }])
  let token = `${TOKEN}\nX-Injected: 1`
  const { log, text } = capturedLog()
  const sender = createAlertSender({ clock: systemClock, log, secrets: () => token, retry: RETRY })
  sender.send(target!, alert)
  await sender.settled()
  assert.equal(receiver.received.length, 0)
  assert.match(text(), /"alertTarget":"ops".*"header":"authorization","variable":"HALL_ALERT_TOKEN","msg":"alert not delivered: a header value/)
  assert.equal(text().includes(TOKEN), false)
  assert.equal(text().includes('"attempt"'), false, 'given up at once, not retried')

  token = TOKEN // the secret is fixed: the same target's next alert is not stuck behind the failed one
  sender.send(target!, { ...alert, status: 'resolved' })
  await sender.settled()
  assert.deepEqual(receiver.received.map(r => [r.headers.authorization, (JSON.parse(r.body) as { status: string }).status]), [[TOKEN, 'resolved']])
})

test('a request Node refuses to build is a failed attempt like a refused connection: retried, given up, and the queue goes on', async (t) => {
  const receiver = await startReceiver(t)
  const [good] = targetsOf([{ name: 'ops', url: `${receiver.url}/hook` }])
  if (good?.destination.kind !== 'webhook') throw new Error('expected a webhook')
  // a header name the schema would refuse, to reach http.request's own check
  const bad = { ...good, destination: { ...good.destination, headers: new Map([['bad name', { kind: 'text', text: 'x' } as const]]) } }
  const { log, text } = capturedLog()
  const sender = createAlertSender({ clock: systemClock, log, secrets, retry: RETRY })
  sender.send(bad, alert)
  sender.send(good, { ...alert, status: 'resolved' })
  await sender.settled()
  assert.match(text(), /"alertTarget":"ops".*"attempts":3,"reason":"ERR_INVALID_HTTP_TOKEN","msg":"alert not delivered/)
  assert.deepEqual(receiver.received.map(r => (JSON.parse(r.body) as { status: string }).status), ['resolved'])
})
