import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { RelayConfig, ServerConfig, ShutdownConfig } from '../../../service/src/config/types.js'
import { isHallError } from '../../../service/src/errors.js'
import { createShutdowner } from '../../../service/src/power/shutdown.js'
import { startSshd, type TestSshd } from '../../helpers/sshd.js'

let sshd: TestSshd
before(async () => { sshd = await startSshd() })
after(async () => { await sshd.stop() })

const relay = (): RelayConfig => ({
  name: 'admin', host: sshd.host, port: sshd.port, user: sshd.user, privateKeyFile: sshd.privateKeyFile, hostKeySha256: sshd.hostKeySha256, commandTimeoutMs: 10_000
})

function server (shutdown: Partial<ShutdownConfig> | null): ServerConfig {
  return {
    name: 'testing',
    ip: '127.0.0.1',
    mac: '02:00:5e:aa:bb:cc',
    policy: 'on_demand',
    wake: { method: 'udp', broadcast: '127.0.0.1', port: 9, secureOn: null },
    health: [{ type: 'tcp', host: '127.0.0.1', port: 1 }],
    probeIntervalMs: 10_000,
    probeTimeoutMs: 2000,
    wakeTimeoutMs: 120_000,
    idleShutdownMs: 20 * 60_000,
    shutdown: shutdown === null ? null : { relay: relay(), command: 'true', busyCheck: null, offTimeoutMs: 60_000, ...shutdown },
    schedule: null,
    power: null,
    projects: null
  }
}

const signal = (): AbortSignal => AbortSignal.timeout(15_000)

test('shutdown: runs the command on the shutdown relay; a non-zero exit is HALL_ERR_SSH_EXIT_STATUS', async () => {
  const ok = await createShutdowner().shutdown(server({ command: 'echo bye' }), signal())
  assert.equal(ok.exitCode, 0)
  await assert.rejects(createShutdowner().shutdown(server({ command: 'echo no >&2; exit 2' }), signal()),
    (err: unknown) => isHallError(err, 'HALL_ERR_SSH_EXIT_STATUS') && (err.details as { exitCode: number }).exitCode === 2)
  await assert.rejects(createShutdowner().shutdown(server(null), signal()), /no shutdown command/)
})

test('shutdown: a command that takes the connection down with it (a poweroff) counts as sent', async () => {
  // the relay's sshd session dies under the command, as it does when the machine powers off
  const report = await createShutdowner().shutdown(server({ command: 'kill -9 $PPID' }), signal())
  assert.equal(report.exitCode, null)
})

test('busy check: exit 0 is busy, any other exit is free, no check is free', async () => {
  assert.equal(await createShutdowner().isBusy(server({ busyCheck: 'true' }), signal()), true)
  assert.equal(await createShutdowner().isBusy(server({ busyCheck: 'exit 1' }), signal()), false)
  assert.equal(await createShutdowner().isBusy(server({ busyCheck: null }), signal()), false)
})
