import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { readEnv } from '../../../service/src/config/env.js'
import { startService } from '../../../service/src/main.js'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { until } from '../../helpers/hall-in-process.js'
import { capturedLog, startReceiver } from './alert-rig.js'

// A real Hall (SQLite file, config file, fleet) whose alerts go to a loopback receiver: a wake
// that fails, then a config rejected twice and fixed. The relay is a waker that fails at once.

const TOKEN_VARIABLE = 'HALL_TEST_ALERT_TOKEN'
const TOKEN = 'Bearer alert-token-71c0e5-never-logged'

test('one message per incident, one recovery, in order; neither the URL nor the token in the log', async (t) => {
  const receiver = await startReceiver(t)
  const hookUrl = `${receiver.url}/hook/url-secret-9b1f`
  process.env[TOKEN_VARIABLE] = TOKEN
  const config = writeLoopbackConfig({ udpPort: await freePort(), httpPort: await freePort() })
  const good = { ...JSON.parse(readFileSync(config.file, 'utf8')), alerts: [{ name: 'ops', url: hookUrl, headers: { Authorization: { env: TOKEN_VARIABLE } }, events: ['wake_failed', 'config_rejected'] }] }
  writeFileSync(config.file, JSON.stringify(good))
  const dir = mkdtempSync(join(tmpdir(), 'hall-alerts-'))
  const { log, text } = capturedLog()
  const hall = await startService(readEnv({ HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0' }), {
    log,
    watch: false,
    waker: { wake: async () => { throw new Error('the relay is unreachable') } },
    alertRetry: { attempts: 2, firstMs: 10, maxMs: 20, timeoutMs: 1000 }
  })
  t.after(async () => {
    delete process.env[TOKEN_VARIABLE]
    await hall.close()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  await until(() => hall.fleet.lookup('app.hall.test')?.phase === 'OFFLINE')

  hall.fleet.wakeNow('lab', 'api')
  await until(() => receiver.received.length === 1)
  writeFileSync(config.file, '{ "domains": ')
  assert.equal(hall.reload('test').ok, false)
  assert.equal(hall.reload('test again').ok, false) // the same incident: no second message
  writeFileSync(config.file, JSON.stringify(good))
  assert.equal(hall.reload('fixed').ok, true)
  await until(() => receiver.received.length >= 3)
  await hall.alerts.settled()

  const messages = receiver.received.map(r => JSON.parse(r.body) as { event: string, status: string, server: string | null })
  assert.deepEqual(messages.map(m => `${m.status} ${m.event} ${m.server ?? '-'}`), ['firing wake_failed lab', 'firing config_rejected -', 'resolved config_rejected -'])
  assert.ok(receiver.received.every(r => r.headers.authorization === TOKEN && r.path === '/hook/url-secret-9b1f'))
  assert.match(text(), /"alertTarget":"ops"/)
  for (const secret of [hookUrl, 'url-secret-9b1f', TOKEN, 'alert-token-71c0e5']) assert.equal(text().includes(secret), false, `${secret} is in the log`)
})

test('a target naming an unset environment variable is reported at start, by name, with the target\'s label', async (t) => {
  const config = writeLoopbackConfig({ udpPort: await freePort(), httpPort: await freePort() })
  const withAlerts = { ...JSON.parse(readFileSync(config.file, 'utf8')), alerts: [{ ntfy: { url: 'http://127.0.0.1:9', topic: 'hall', token_env: 'HALL_TEST_UNSET_NTFY_TOKEN' } }] }
  writeFileSync(config.file, JSON.stringify(withAlerts))
  const dir = mkdtempSync(join(tmpdir(), 'hall-alerts-'))
  const { log, text } = capturedLog()
  const hall = await startService(readEnv({ HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0' }), { log, watch: false })
  t.after(async () => {
    await hall.close()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  assert.match(text(), /"alertTarget":"alerts\[0\]","variable":"HALL_TEST_UNSET_NTFY_TOKEN","msg":"an alert target names an environment variable that is not set"/)
})
