import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { request } from 'undici'
import { readEnv } from '../../../service/src/config/env.js'
import { startService, type Service } from '../../../service/src/main.js'
import type { WakeRecord } from '../../../service/src/store/index.js'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { startSshd } from '../../helpers/sshd.js'

const DOMAIN = 'app.hall.test'

/** Hall in-process whose only server is woken by `command` on a real sshd relay on loopback. */
async function hallWithRelayCommand (t: TestContext, command: string, timeoutSeconds: number): Promise<Service> {
  const sshd = await startSshd()
  const config = writeLoopbackConfig({
    udpPort: 9,
    httpPort: await freePort(),
    relays: { lan: { host: '127.0.0.1', port: sshd.port, user: sshd.user, private_key_file: sshd.privateKeyFile, host_key_sha256: sshd.hostKeySha256, command_timeout_seconds: timeoutSeconds } },
    extra: { wake: { method: 'ssh', relay: 'lan', command, broadcast: '127.0.0.1' } }
  })
  const dir = mkdtempSync(join(tmpdir(), 'hall-db-'))
  const hall = await startService(readEnv({ HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_LOG_LEVEL: 'silent' }))
  t.after(async () => {
    await hall.close()
    await sshd.stop()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  return hall
}

async function wakeAndWaitForOutcome (hall: Service): Promise<WakeRecord> {
  const res = await request(`${hall.url}/forward-auth`, { headers: { 'x-forwarded-host': DOMAIN, accept: 'text/html' } })
  await res.body.dump()
  assert.equal(res.statusCode, 302)
  const end = Date.now() + 10_000
  for (;;) {
    const wake = hall.store.wakes.latest('lab')
    if (wake !== null && wake.outcome !== 'pending') return wake
    if (Date.now() > end) throw new Error(`wake still pending: ${JSON.stringify(wake)}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

test('a relay command that hangs fails the wake at its deadline, with the reason on the wake', async (t) => {
  const hall = await hallWithRelayCommand(t, 'sleep 30 # {mac}', 1.5)
  const wake = await wakeAndWaitForOutcome(hall)
  assert.equal(wake.outcome, 'failed')
  assert.equal(wake.errorCode, 'HALL_ERR_SSH_DEADLINE')
  assert.ok(wake.finishedAt! - wake.requestedAt < 6000, `gave up after ${wake.finishedAt! - wake.requestedAt} ms`)
  assert.equal(hall.fleet.lookup(DOMAIN)?.phase, 'OFFLINE', 'a new request may retry')
})

test('a relay command that exits non-zero fails the wake with its exit code and stderr recorded', async (t) => {
  const hall = await hallWithRelayCommand(t, 'echo "no route to {ip}" >&2; exit 3', 10)
  const wake = await wakeAndWaitForOutcome(hall)
  assert.equal(wake.outcome, 'failed')
  assert.equal(wake.errorCode, 'HALL_ERR_SSH_EXIT_STATUS')
  assert.equal(wake.exitCode, 3)
  assert.match(wake.stderr ?? '', /no route to 127\.0\.0\.1/)
  assert.match(wake.errorMessage ?? '', /exit code 3: no route to 127\.0\.0\.1/)
})
