import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { createLogger } from '../../../service/src/logger.js'
import { addAccount, ask, cookieOf, startAdmin, postLogin, PASSWORD } from '../admin/admin-rig.js'
import { until } from '../../helpers/hall-in-process.js'

// A whole run of Hall at level trace, its log captured: a login with a password, the session
// cookie used, an API key used, then the log grepped for each secret.

test('a full run logs neither the password, the session id nor the API key', async (t) => {
  const stream = new PassThrough()
  let logged = ''
  stream.setEncoding('utf8').on('data', (chunk: string) => { logged += chunk })
  const { hall } = await startAdmin(t, { log: createLogger('trace', stream) })
  addAccount(hall, 'alice')
  const { key } = hall.store.apiKeys.create({ name: 'monitor', servers: null, actions: null, now: Date.now() })

  const answer = await postLogin(hall, 'alice', PASSWORD)
  const session = cookieOf(answer, 'hall_session')!
  const sessionId = session.slice('hall_session='.length, session.indexOf('.'))
  assert.equal((await ask(hall, '/admin/', { cookie: session })).status, 200)
  const wake = await ask(hall, '/api/wol/lab', { method: 'POST', headers: { 'x-api-key': key } })
  assert.equal(wake.status, 202)
  await until(() => logged.includes('"msg":"state changed"') || logged.includes('WAKING'))
  await hall.close()

  assert.ok(logged.split('\n').length > 10, `the log was written at all: ${logged}`)
  assert.match(logged, /"path":"\/api\/wol\/lab"/)
  for (const [name, secret] of [['password', PASSWORD], ['session id', sessionId], ['session cookie', session], ['API key', key], ['API key secret part', key.slice(key.lastIndexOf('_') + 1)]] as const) {
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
