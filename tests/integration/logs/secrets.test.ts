import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { createLogger } from '../../../service/src/logger.js'
import { addAccount, ask, cookieOf, startAdmin, postLogin, PASSWORD } from '../admin/admin-rig.js'
import { until } from '../../helpers/hall-in-process.js'
import { startReceiver } from '../alerts/alert-rig.js'

// A whole run of Hall at level trace, its log captured: a login with a password, the session
// cookie used, an API key used, an alert sent with a token, then the log grepped for each secret.

const ALERT_TOKEN_VARIABLE = 'HALL_TEST_LOGS_ALERT_TOKEN'
const ALERT_TOKEN = 'alert-token-4e8a1d-for-the-log-test'

test('a full run logs neither the password, the session id, the API key nor the alert token', async (t) => {
  const stream = new PassThrough()
  let logged = ''
  stream.setEncoding('utf8').on('data', (chunk: string) => { logged += chunk })
  const receiver = await startReceiver(t)
  process.env[ALERT_TOKEN_VARIABLE] = ALERT_TOKEN
  t.after(() => { delete process.env[ALERT_TOKEN_VARIABLE] })
  const { hall, configFile } = await startAdmin(t, { log: createLogger('trace', stream) })
  const withAlerts = { ...JSON.parse(readFileSync(configFile, 'utf8')), alerts: [{ url: `${receiver.url}/alert-hook`, headers: { 'X-Token': { env: ALERT_TOKEN_VARIABLE } }, events: ['config_rejected'] }] }
  writeFileSync(configFile, JSON.stringify(withAlerts))
  assert.equal(hall.reload('alerts added').ok, true)
  addAccount(hall, 'alice')
  const { key } = hall.store.apiKeys.create({ name: 'monitor', servers: null, actions: null, now: Date.now() })

  const answer = await postLogin(hall, 'alice', PASSWORD)
  const session = cookieOf(answer, 'hall_session')!
  const sessionId = session.slice('hall_session='.length, session.indexOf('.'))
  assert.equal((await ask(hall, '/admin/', { cookie: session })).status, 200)
  const wake = await ask(hall, '/api/wol/lab', { method: 'POST', headers: { 'x-api-key': key } })
  assert.equal(wake.status, 202)
  await until(() => logged.includes('"msg":"state changed"') || logged.includes('WAKING'))
  writeFileSync(configFile, '{ "domains": ')
  assert.equal(hall.reload('broken on purpose').ok, false)
  await until(() => receiver.received.length === 1)
  await hall.alerts.settled()
  assert.equal(receiver.received[0]?.headers['x-token'], ALERT_TOKEN)
  await hall.close()

  assert.ok(logged.split('\n').length > 10, `the log was written at all: ${logged}`)
  assert.match(logged, /"path":"\/api\/wol\/lab"/)
  assert.match(logged, /"alertTarget":"alerts\[0\]".*"msg":"alert sent"/)
  for (const [name, secret] of [['password', PASSWORD], ['session id', sessionId], ['session cookie', session], ['API key', key], ['API key secret part', key.slice(key.lastIndexOf('_') + 1)], ['alert token', ALERT_TOKEN], ['alert URL', `${receiver.url}/alert-hook`]] as const) {
    assert.equal(logged.includes(secret), false, `the ${name} is in the log`)
  }
})

test('readable lines on request, with the same secrets hidden', () => {
  const stream = new PassThrough()
  let logged = ''
  stream.setEncoding('utf8').on('data', (chunk: string) => { logged += chunk })
  const log = createLogger('info', stream, { pretty: true })
  log.info({ server: 'lab', headers: { authorization: 'Bearer pretty-secret' } }, 'state changed')
  assert.match(logged, /INFO.*state changed/)
  assert.match(logged, /server: "lab"/)
  assert.doesNotThrow(() => { for (const line of logged.split('\n')) if (line.startsWith('{')) throw new Error(`a JSON line: ${line}`) })
  assert.equal(logged.includes('pretty-secret'), false)
})

test('without pino-pretty installed, JSON lines and a one-line note', () => {
  const stream = new PassThrough()
  let logged = ''
  stream.setEncoding('utf8').on('data', (chunk: string) => { logged += chunk })
  const log = createLogger('info', stream, { pretty: true, prettyModule: 'pino-pretty-not-installed' })
  log.info({ server: 'lab' }, 'state changed')
  const lines = logged.trim().split('\n').map(l => JSON.parse(l) as { level: number, msg: string })
  assert.equal(lines.length, 2)
  assert.match(lines[0]!.msg, /^pino-pretty is not installed/)
  assert.equal(lines[1]!.msg, 'state changed')
})

test('JSON lines when not asked for readable ones and the output is not a terminal', () => {
  const stream = new PassThrough()
  let logged = ''
  stream.setEncoding('utf8').on('data', (chunk: string) => { logged += chunk })
  createLogger('info', stream).info('hello')
  assert.equal((JSON.parse(logged) as { msg: string }).msg, 'hello')
})
