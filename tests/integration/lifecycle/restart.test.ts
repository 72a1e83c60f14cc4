import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import { request } from 'undici'
import { startSimulatedServer } from '../../../service/src/demo/sim-server.js'
import { freePort } from '../../helpers/free-port.js'
import { writeLoopbackConfig } from '../../helpers/hall-config.js'
import { startHall } from '../../helpers/hall-process.js'
import { startSshd } from '../../helpers/sshd.js'
import { listenForMagicPackets } from '../../helpers/udp-listener.js'

const DOMAIN = 'app.hall.test'
const MAC = '02:00:00:00:00:2a'

interface Status { state: string, last_wake: { id: number, outcome: string } | null, last_probe: { at: string } | null }

async function statusOf (url: string): Promise<Status> {
  const res = await request(`${url}/api/status/${DOMAIN}`)
  return await res.body.json() as Status
}

/**
 * Resolves once Hall has finished `rounds` probes after this call: what it would have done on
 * the way (a second wake, a relay command run again) has happened by then, so a test can assert
 * that it did not, without guessing how long to sleep.
 */
async function probeRounds (url: string, rounds: number): Promise<void> {
  const after = new Date().toISOString()
  const seen = new Set<string>()
  const end = Date.now() + 15_000
  while (seen.size < rounds) {
    if (Date.now() > end) throw new Error(`${rounds} probe rounds: only ${seen.size} within 15 s`)
    const at = (await statusOf(url)).last_probe?.at
    if (at !== undefined && at > after) seen.add(at)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** When the relay command of a wake was started, as the database holds it (set once, before the command runs). */
function sendStartedAt (dbFile: string, wakeId: number): number | null {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT send_started_at AS at FROM wakes WHERE id = ?').get(wakeId) as { at: number | null }).at
  } finally {
    db.close()
  }
}

test('kill -9 in the middle of a wake: the restarted Hall resumes it without a second packet', async (t) => {
  const packets = await listenForMagicPackets()
  const config = writeLoopbackConfig({ udpPort: packets.port, httpPort: await freePort(), wakeTimeoutSeconds: 60 })
  t.after(async () => { await packets.close(); config.cleanup() })

  const first = await startHall({ configFile: config.file })
  t.after(() => first.stop())
  const res = await request(`${first.url}/forward-auth`, { headers: { 'x-forwarded-host': DOMAIN, accept: 'text/html' } })
  await res.body.dump()
  assert.equal(res.statusCode, 302)
  await packets.waitFor(3, 3000)
  const before = await statusOf(first.url)
  assert.equal(before.state, 'WAKING')
  first.kill9()

  const second = await startHall({ configFile: config.file, env: { HALL_DB: first.dbFile } })
  t.after(() => second.stop())
  const after = await statusOf(second.url)
  assert.equal(after.state, 'WAKING', 'the wake in progress is resumed')
  assert.equal(after.last_wake?.id, before.last_wake?.id)
  assert.equal(after.last_wake?.outcome, 'pending')

  // requests keep arriving while the server boots: still no second wake
  for (let i = 0; i < 5; i++) {
    const again = await request(`${second.url}/forward-auth`, { headers: { 'x-forwarded-host': DOMAIN, accept: 'text/html' } })
    await again.body.dump()
    assert.equal(again.statusCode, 302)
  }
  await probeRounds(second.url, 2)
  assert.equal((await statusOf(second.url)).last_wake?.id, before.last_wake?.id, 'no second wake was started')
  assert.equal(packets.packets.length, 3, 'only the first wake\'s packets were ever sent')
})

/** The server's state as the database holds it: what a restarted Hall starts from. */
function serverRow (dbFile: string): { phase: string, idle_from: number | null } {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    return db.prepare("SELECT phase, idle_from FROM server_state WHERE server = 'lab'").get() as { phase: string, idle_from: number | null }
  } finally {
    db.close()
  }
}

function shutdownRows (dbFile: string): Array<{ trigger: string, sent_at: number | null, outcome: string }> {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT trigger, sent_at, outcome FROM shutdowns ORDER BY id').all() as Array<{ trigger: string, sent_at: number | null, outcome: string }>
  } finally {
    db.close()
  }
}

async function until (what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

test('kill -9 with a server idle, and again in the middle of its shutdown: the countdown is not reset, and no second shutdown is sent', async (t) => {
  const sshd = await startSshd()
  // the host keeps answering for 3 s after the command, like a real machine finishing its shutdown
  const lab = await startSimulatedServer({ name: 'lab', mac: MAC, udpPort: 0, httpPort: 0, aliveAfterMs: 50, readyAfterMs: 150, powerOffAfterMs: 3000 })
  const powerOff = `${process.execPath} -e "fetch('http://127.0.0.1:${lab.httpPort}/power-off', { method: 'POST' }).then(r => process.exit(r.status === 202 ? 0 : 1))"`
  const config = writeLoopbackConfig({
    udpPort: lab.udpPort,
    httpPort: lab.httpPort,
    mac: MAC,
    relays: { admin: { host: '127.0.0.1', port: sshd.port, user: sshd.user, private_key_file: sshd.privateKeyFile, host_key_sha256: sshd.hostKeySha256 } },
    extra: { policy: 'on_demand', idle_shutdown_minutes: 20, shutdown: { relay: 'admin', command: powerOff, off_timeout_seconds: 60 } }
  })
  t.after(async () => { await lab.close(); await sshd.stop(); config.cleanup() })

  // 1. a first Hall wakes the server; it is RUNNING, and its idle countdown has started
  const first = await startHall({ configFile: config.file })
  t.after(() => first.stop())
  const res = await request(`${first.url}/forward-auth`, { headers: { 'x-forwarded-host': DOMAIN, accept: 'text/html' } })
  await res.body.dump()
  await until('RUNNING', () => serverRow(first.dbFile).phase === 'RUNNING')
  first.kill9()

  // 2. the server has been idle for two hours when Hall dies (its stored countdown is moved back by as much)
  const db = new Database(first.dbFile)
  db.prepare("UPDATE server_state SET idle_from = idle_from - 7200000 WHERE server = 'lab'").run()
  db.close()

  // 3. the restarted Hall shuts the server down at once: 2 h idle is past 20 min, whatever the restart
  const second = await startHall({ configFile: config.file, env: { HALL_DB: first.dbFile } })
  t.after(() => second.stop())
  await until('shutdown command sent', () => shutdownRows(first.dbFile).some(s => s.sent_at !== null))
  assert.equal(lab.powerOffs, 1)
  assert.equal(lab.state, 'up', 'still answering: the machine takes 3 s to power off')
  second.kill9()

  // 4. killed again mid-shutdown: the next Hall waits for the host to go quiet, without a second command
  const third = await startHall({ configFile: config.file, env: { HALL_DB: first.dbFile } })
  t.after(() => third.stop())
  assert.equal((await statusOf(third.url)).state, 'SHUTDOWN')
  await until('OFFLINE', () => serverRow(first.dbFile).phase === 'OFFLINE')
  assert.equal(lab.powerOffs, 1, 'one shutdown command in all')
  assert.deepEqual(shutdownRows(first.dbFile).map(s => [s.trigger, s.outcome]), [['idle', 'off']])
})

test('kill -9 while the relay is still running the wake command: the restarted Hall does not run it again', async (t) => {
  const sshd = await startSshd()
  const dir = mkdtempSync(join(tmpdir(), 'hall-relay-'))
  const starts = join(dir, 'starts')
  const config = writeLoopbackConfig({
    udpPort: 9,
    httpPort: await freePort(),
    relays: { lan: { host: '127.0.0.1', port: sshd.port, user: sshd.user, private_key_file: sshd.privateKeyFile, host_key_sha256: sshd.hostKeySha256 } },
    // every start of the command is written down; it then takes a while, like a slow relay
    extra: { wake: { method: 'ssh', relay: 'lan', command: `echo {mac} >> ${starts}; sleep 3`, broadcast: '127.0.0.1' } }
  })
  t.after(async () => { await sshd.stop(); config.cleanup(); rmSync(dir, { recursive: true, force: true }) })

  const first = await startHall({ configFile: config.file })
  t.after(() => first.stop())
  const res = await request(`${first.url}/forward-auth`, { headers: { 'x-forwarded-host': DOMAIN, accept: 'text/html' } })
  await res.body.dump()
  await until('the relay command started', () => existsSync(starts))
  const wakeId = (await statusOf(first.url)).last_wake!.id
  first.kill9()
  const started = sendStartedAt(first.dbFile, wakeId)
  assert.notEqual(started, null)

  const second = await startHall({ configFile: config.file, env: { HALL_DB: first.dbFile } })
  t.after(() => second.stop())
  assert.equal((await statusOf(second.url)).state, 'WAKING', 'the wake is resumed, waiting on its deadline')
  await probeRounds(second.url, 2)
  // a resend would have been started before the first probe, and stamped before its command ran
  assert.equal(sendStartedAt(first.dbFile, wakeId), started, 'the restarted Hall did not start the command again')
  assert.equal(readFileSync(starts, 'utf8').trim().split('\n').length, 1, 'the command ran once')
})
