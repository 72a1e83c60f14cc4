import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { request } from 'undici'
import { readEnv } from '../../../service/src/config/env.js'
import { startSimulatedServer, type SimulatedServer } from '../../../service/src/demo/sim-server.js'
import { startService, type Service } from '../../../service/src/main.js'
import { createFakeClock, type FakeClock } from '../../helpers/fake-clock.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { startSshd } from '../../helpers/sshd.js'

const DOMAIN = 'app.hall.test'
const MAC = '02:00:00:00:00:2a'
const MINUTE = 60_000

interface Rig { hall: Service, lab: SimulatedServer, clock: FakeClock, busyFile: string }

/**
 * Hall with a fake clock (so 20 idle minutes pass in a second), a simulated server that boots on
 * its magic packet and powers off on `POST /power-off`, and a real OpenSSH relay on loopback that
 * runs the shutdown command and the busy check.
 */
async function rig (t: TestContext): Promise<Rig> {
  const sshd = await startSshd()
  const lab = await startSimulatedServer({ name: 'lab', mac: MAC, udpPort: 0, httpPort: 0, aliveAfterMs: 50, readyAfterMs: 150, powerOffAfterMs: 100 })
  const dir = mkdtempSync(join(tmpdir(), 'hall-idle-'))
  const busyFile = join(dir, 'busy')
  // the relay's shell runs node by absolute path: sshd sessions get a minimal PATH
  const powerOff = `${process.execPath} -e "fetch('http://127.0.0.1:${lab.httpPort}/power-off', { method: 'POST' }).then(r => process.exit(r.status === 202 ? 0 : 1))"`
  const config = writeLoopbackConfig({
    udpPort: lab.udpPort,
    httpPort: lab.httpPort,
    mac: MAC,
    relays: { admin: { host: '127.0.0.1', port: sshd.port, user: sshd.user, private_key_file: sshd.privateKeyFile, host_key_sha256: sshd.hostKeySha256, command_timeout_seconds: 10 } },
    extra: { policy: 'on_demand', idle_shutdown_minutes: 20, shutdown: { relay: 'admin', command: powerOff, busy_check: `test -e ${busyFile}`, off_timeout_seconds: 60 } }
  })
  const clock = createFakeClock()
  const hall = await startService(readEnv({ HALL_CONFIG: config.file, HALL_DB: join(dir, 'hall.db'), HALL_HOST: '127.0.0.1', HALL_PORT: '0', HALL_LOG_LEVEL: 'silent' }), { clock, watch: false })
  t.after(async () => {
    await hall.close()
    await lab.close()
    await sshd.stop()
    config.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })
  return { hall, lab, clock, busyFile }
}

/**
 * Moves fake time in steps while real probes, SSH sessions and the simulated boot run. Fake time
 * stands still while a command is on its way to the relay: a real SSH session takes real time.
 */
async function advanceUntil (r: Rig, what: string, done: () => boolean, maxFakeMs: number, stepMs = 250): Promise<void> {
  const realDeadline = Date.now() + 20_000
  for (let spent = 0; !done();) {
    if (spent > maxFakeMs || Date.now() > realDeadline) throw new Error(`${what}: not after ${spent} fake ms (phase ${r.hall.fleet.lookup(DOMAIN)?.phase}, last shutdown ${JSON.stringify(r.hall.store.shutdowns.latest('lab'))})`)
    const s = r.hall.fleet.supervisor('lab')!.state()
    const commandInFlight = (s.shutdown !== null && s.shutdown.stage !== 'waiting') || (s.wake !== null && s.wake.sentAt === null)
    if (!commandInFlight) { r.clock.advance(stepMs); spent += stepMs }
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

/** Quiet minutes: probes run every 10 s, so bigger steps change nothing but the test's duration. */
const QUIET_STEP_MS = 2000

async function browserHit (r: Rig): Promise<number> {
  const res = await request(`${r.hall.url}/forward-auth`, { headers: { 'x-forwarded-host': DOMAIN, 'x-forwarded-uri': '/', accept: 'text/html', 'user-agent': 'Mozilla/5.0 Firefox/140.0' } })
  await res.body.dump()
  return res.statusCode
}

const phase = (r: Rig): string | undefined => r.hall.fleet.lookup(DOMAIN)?.phase

async function powerStatus (r: Rig): Promise<Record<string, unknown>> {
  const res = await request(`${r.hall.url}/api/status/${DOMAIN}`)
  return (await res.body.json() as { power: Record<string, unknown> }).power
}

test('real sequence: wake -> RUNNING -> no traffic -> idle shutdown run by the relay -> OFFLINE -> new request -> wake again', async (t) => {
  const r = await rig(t)
  await advanceUntil(r, 'first probe', () => phase(r) === 'OFFLINE', 5000)

  assert.equal(await browserHit(r), 302)
  await advanceUntil(r, 'first boot', () => phase(r) === 'RUNNING', 30_000)
  assert.equal(await browserHit(r), 200)
  const up = await powerStatus(r)
  assert.equal(up.idle_shutdown_minutes, 20)
  assert.ok(typeof up.idle_since === 'string', 'the countdown shows in /api/status')

  await advanceUntil(r, 'idle', () => phase(r) === 'IDLE', 6 * MINUTE, QUIET_STEP_MS)
  await advanceUntil(r, 'idle shutdown', () => phase(r) === 'OFFLINE', 16 * MINUTE, QUIET_STEP_MS)
  assert.equal(r.lab.powerOffs, 1, 'the relay ran the shutdown command once')
  const shutdown = r.hall.store.shutdowns.latest('lab')!
  assert.equal(shutdown.trigger, 'idle')
  assert.equal(shutdown.outcome, 'off')
  assert.equal(shutdown.exitCode, 0)
  assert.ok(shutdown.requestedAt - r.hall.store.wakes.latest('lab')!.runningAt! >= 20 * MINUTE, 'not before 20 idle minutes')
  const off = await powerStatus(r)
  const last = off.last_shutdown as { trigger: string, outcome: string, exit_code: number }
  assert.deepEqual([off.idle_since, last.trigger, last.outcome, last.exit_code], [null, 'idle', 'off', 0], 'the status API tells how the server went down')

  assert.equal(await browserHit(r), 302)
  await advanceUntil(r, 'second boot', () => phase(r) === 'RUNNING', 30_000)
  const wakes = r.hall.store.wakes.recent('lab', 5)
  assert.deepEqual(wakes.map(w => [w.trigger, w.outcome]), [['request', 'running'], ['request', 'running']])
  assert.ok(r.lab.wakeCount >= 4, 'the second wake sent its own packets')
  // BOOTING is seen or not depending on when a probe falls in the simulated boot's 100 ms
  const path = r.hall.store.transitions.recent('lab', 20).map(x => x.to).reverse().filter(p => p !== 'BOOTING')
  assert.deepEqual(path, ['OFFLINE', 'WAKING', 'RUNNING', 'IDLE', 'SHUTDOWN', 'OFFLINE', 'WAKING', 'RUNNING'])
})

test('real busy check on the relay: exit 0 vetoes the idle shutdown; once free, the server is shut down', async (t) => {
  const r = await rig(t)
  await advanceUntil(r, 'first probe', () => phase(r) === 'OFFLINE', 5000)
  assert.equal(await browserHit(r), 302)
  await advanceUntil(r, 'boot', () => phase(r) === 'RUNNING', 30_000)
  writeFileSync(r.busyFile, 'a long build')
  await advanceUntil(r, 'veto', () => r.hall.store.shutdowns.latest('lab')?.outcome === 'vetoed', 21 * MINUTE, QUIET_STEP_MS)
  assert.equal(r.lab.powerOffs, 0)
  assert.equal(phase(r), 'RUNNING')
  rmSync(r.busyFile)
  await advanceUntil(r, 'shutdown once free', () => phase(r) === 'OFFLINE', 21 * MINUTE, QUIET_STEP_MS)
  assert.equal(r.lab.powerOffs, 1)
})
