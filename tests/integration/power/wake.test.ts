import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { RelayConfig, ServerConfig, WakeConfig } from '../../../service/src/config/types.js'
import { isHallError } from '../../../service/src/errors.js'
import { createWaker } from '../../../service/src/power/wake.js'
import { startSshd, type TestSshd } from '../../helpers/sshd.js'
import { listenForMagicPackets } from '../../helpers/udp-listener.js'

let sshd: TestSshd
before(async () => { sshd = await startSshd() })
after(async () => { await sshd.stop() })

function relay (): RelayConfig {
  return {
    name: 'pi',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKeyFile: sshd.privateKeyFile,
    hostKeySha256: sshd.hostKeySha256,
    commandTimeoutMs: 10_000
  }
}

function server (wake: WakeConfig, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    name: 'testing',
    ip: '127.0.0.1',
    mac: '02:00:5e:aa:bb:cc',
    policy: 'on_demand',
    wake,
    health: [{ type: 'tcp', host: '127.0.0.1', port: 1 }],
    probeIntervalMs: 10_000,
    probeTimeoutMs: 2000,
    wakeTimeoutMs: 120_000,
    idleShutdownMs: null,
    shutdown: null,
    schedule: null,
    power: null,
    projects: null,
    ...overrides
  }
}

const signal = (): AbortSignal => new AbortController().signal

test('wake udp: the listener gets 3 magic packets for the server MAC', async (t) => {
  const listener = await listenForMagicPackets()
  t.after(() => listener.close())
  const report = await createWaker().wake(server({ method: 'udp', broadcast: '127.0.0.1', port: listener.port, secureOn: null }), signal())
  assert.equal(report.method, 'udp')
  assert.equal(report.packetsSent, 3)
  assert.equal(report.exitCode, null)
  await listener.waitFor(3, 1000)
  assert.deepEqual(listener.packets.map(p => p.mac), ['02:00:5e:aa:bb:cc', '02:00:5e:aa:bb:cc', '02:00:5e:aa:bb:cc'])
})

test('wake udp: injected sender gets the SecureOn packet, 3 copies within 200 ms', async () => {
  const calls: unknown[] = []
  const waker = createWaker({ sendPackets: async (opts) => { calls.push(opts); return { packetsSent: 3 } } })
  const secureOn = Buffer.from([1, 2, 3, 4, 5, 6])
  await waker.wake(server({ method: 'udp', broadcast: '127.0.0.1', port: 9, secureOn }), signal())
  const opts = calls[0] as { packet: Buffer, address: string, port: number, count: number, spacingMs: number }
  assert.equal(opts.packet.length, 108)
  assert.deepEqual(opts.packet.subarray(102), secureOn)
  assert.equal(opts.address, '127.0.0.1')
  assert.equal(opts.port, 9)
  assert.ok((opts.count - 1) * opts.spacingMs <= 200)
})

test('wake ssh: the relay runs wakeonlan and the listener gets the server MAC', async (t) => {
  const listener = await listenForMagicPackets()
  t.after(() => listener.close())
  const wake: WakeConfig = { method: 'ssh', relay: relay(), command: `wakeonlan -i {broadcast} -p ${listener.port} {mac}`, broadcast: '127.0.0.1' }
  const report = await createWaker().wake(server(wake), signal())
  assert.equal(report.method, 'ssh')
  assert.equal(report.exitCode, 0)
  await listener.waitFor(1, 2000)
  assert.equal(listener.packets[0]?.mac, '02:00:5e:aa:bb:cc')
})

test('wake ssh: a failing relay command is HALL_ERR_SSH_EXIT_STATUS with the exit code', async () => {
  const wake: WakeConfig = { method: 'ssh', relay: relay(), command: 'false', broadcast: '127.0.0.1' }
  await assert.rejects(createWaker().wake(server(wake), signal()), (err: unknown) =>
    isHallError(err, 'HALL_ERR_SSH_EXIT_STATUS') && err.message.includes('exit code 1') &&
    (err.details as { exitCode: number }).exitCode === 1)
})

test('wake ssh: the first stderr line is in the message', async () => {
  const wake: WakeConfig = { method: 'ssh', relay: relay(), command: 'echo "wakeonlan: not found" >&2; echo more >&2; exit 127', broadcast: '127.0.0.1' }
  await assert.rejects(createWaker().wake(server(wake), signal()), (err: unknown) =>
    isHallError(err, 'HALL_ERR_SSH_EXIT_STATUS') && err.message.includes('exit code 127: wakeonlan: not found') &&
    (err.details as { stderr: string }).stderr === 'wakeonlan: not found\nmore\n')
})
