import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { rememberPowerHistory } from '../../../service/src/http/recent-power-history.js'
import { BOOT_HISTORY } from '../../../service/src/lifecycle/policy.js'
import { openHallStore, powerHistory, type HallStore } from '../../../service/src/store/index.js'
import { until } from '../../helpers/hall-in-process.js'
import { holdWriteLock } from '../../helpers/temp-database.js'

// The status views read the power history from memory; the store's queries are the truth it must
// match. Every step below writes through the store the lifecycle is given, then compares what the
// memory says with what SQLite says, field by field, for every server.

const t0 = 1_700_000_000_000
const SERVERS = ['lab', 'spare', 'late']

function openStore (t: TestContext): { store: HallStore, file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hall-recent-'))
  const file = join(dir, 'hall.db')
  const store = openHallStore(file)
  t.after(() => { store.close(); rmSync(dir, { recursive: true, force: true }) })
  return { store, file }
}

test('the remembered history matches the store\'s queries after every lifecycle write', (t) => {
  const { store } = openStore(t)
  // history from before this run: read once, at start
  const old = store.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: t0 - 10_000 })
  store.wakes.markRunning(old, t0 - 5000)
  store.wakes.finish(old, { outcome: 'running', at: t0 - 5000 })
  const stale = store.wakes.begin({ server: 'spare', trigger: 'api', method: 'udp', requestedAt: t0 - 1000 })

  // 'late' is not named at start: a server a reload adds is read on first use
  const { history, store: lifecycle } = rememberPowerHistory(powerHistory(store), store, ['lab', 'spare'])
  const truth = powerHistory(store)
  const check = (step: string): void => {
    for (const server of SERVERS) {
      assert.deepEqual(history.latest(server), truth.latest(server), `${step}: latest wake of ${server}`)
      assert.deepEqual(history.latestShutdown(server), truth.latestShutdown(server), `${step}: latest shutdown of ${server}`)
      assert.deepEqual(history.bootDurationsMs(server, BOOT_HISTORY), truth.bootDurationsMs(server, BOOT_HISTORY), `${step}: boots of ${server}`)
    }
  }
  check('loaded')

  lifecycle.wakes.finish(stale, { outcome: 'timeout', at: t0, errorCode: 'HALL_ERR_WAKE_TIMEOUT', errorMessage: 'its deadline passed while Hall was not running' })
  check('a wake left pending by the last run, closed by restore')

  const wake = lifecycle.wakes.begin({ server: 'lab', trigger: 'request', method: 'ssh', requestedAt: t0 + 1000 })
  check('begun')
  lifecycle.wakes.markSending(wake, t0 + 1001)
  lifecycle.wakes.markSent(wake, { at: t0 + 1500, packetsSent: 0, exitCode: 0, stderr: 'é'.repeat(3000) })
  check('sent, a long stderr cut as the store cuts it')
  lifecycle.wakes.markAlive(wake, t0 + 20_000)
  lifecycle.wakes.markAlive(wake, t0 + 25_000)
  check('alive twice: the first time is kept')
  lifecycle.wakes.markRunning(wake, t0 + 61_000)
  lifecycle.wakes.finish(wake, { outcome: 'running', at: t0 + 61_000 })
  lifecycle.wakes.finish(wake, { outcome: 'cancelled', at: t0 + 62_000 })
  check('running, then a second finish that changes nothing')

  const external = lifecycle.wakes.begin({ server: 'lab', trigger: 'external', method: 'none', requestedAt: t0 + 100_000 })
  lifecycle.wakes.markRunning(external, t0 + 100_000)
  lifecycle.wakes.finish(external, { outcome: 'running', at: t0 + 100_000 })
  check('an external boot: the latest wake, not a boot time')

  for (let i = 0; i < BOOT_HISTORY + 2; i++) {
    const id = lifecycle.wakes.begin({ server: 'late', trigger: 'schedule', method: 'udp', requestedAt: t0 + 200_000 + i * 100_000 })
    lifecycle.wakes.markRunning(id, t0 + 200_000 + i * 100_000 + 30_000 + i)
    lifecycle.wakes.finish(id, { outcome: 'running', at: t0 + 200_000 + i * 100_000 + 30_000 + i })
  }
  check(`more boots than the ${BOOT_HISTORY} kept`)

  const failed = lifecycle.wakes.begin({ server: 'spare', trigger: 'api', method: 'ssh', requestedAt: t0 + 2000 })
  lifecycle.wakes.markSent(failed, { at: t0 + 2100, packetsSent: 0, exitCode: 127, stderr: 'wakeonlan: not found\n' })
  lifecycle.wakes.finish(failed, { outcome: 'failed', at: t0 + 2100, errorCode: 'HALL_ERR_SSH_EXIT_STATUS', errorMessage: 'exit 127' })
  check('a failed wake')

  const off = lifecycle.shutdowns.begin({ server: 'lab', trigger: 'idle', requestedAt: t0 + 300_000 })
  check('shutdown begun')
  lifecycle.shutdowns.markSending(off, t0 + 300_001)
  lifecycle.shutdowns.markSent(off, { at: t0 + 301_000, exitCode: 0, stderr: null })
  lifecycle.shutdowns.finish(off, { outcome: 'off', at: t0 + 340_000 })
  check('shutdown off')
  const vetoed = lifecycle.shutdowns.begin({ server: 'lab', trigger: 'idle', requestedAt: t0 + 400_000 })
  lifecycle.shutdowns.finish(vetoed, { outcome: 'vetoed', at: t0 + 400_500, errorMessage: 'busy' })
  check('shutdown vetoed: no off time')
})

test('the revision of a server grows with each change of its history, and only then', (t) => {
  const { store } = openStore(t)
  const { history, store: lifecycle } = rememberPowerHistory(powerHistory(store), store, SERVERS)
  const start = history.revision('lab')
  const wake = lifecycle.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: t0 })
  const begun = history.revision('lab')
  assert.ok(begun > start)
  assert.equal(history.revision('spare'), 0, 'another server\'s history did not change')
  lifecycle.wakes.markAlive(wake, t0 + 1)
  const alive = history.revision('lab')
  assert.ok(alive > begun)
  lifecycle.wakes.markAlive(wake, t0 + 2)
  history.latest('lab')
  assert.equal(history.revision('lab'), alive, 'a write that changes nothing, and reads, leave it')
})

test('while another process holds the database, the lifecycle\'s writes show at once; the store catches up', async (t) => {
  const { store, file } = openStore(t)
  const { history, store: lifecycle } = rememberPowerHistory(powerHistory(store), store, SERVERS)
  const truth = powerHistory(store)
  const lock = await holdWriteLock(t, file)
  const wake = lifecycle.wakes.begin({ server: 'lab', trigger: 'request', method: 'udp', requestedAt: t0 })
  lifecycle.wakes.markSent(wake, { at: t0 + 10, packetsSent: 3, exitCode: null, stderr: null })
  assert.equal(truth.latest('lab'), null, 'the writes wait in the store\'s queue')
  assert.equal(history.latest('lab')?.sentAt, t0 + 10, 'the status already shows the wake Hall sent')
  await lock.release()
  await until(() => truth.latest('lab')?.sentAt === t0 + 10)
  assert.deepEqual(history.latest('lab'), truth.latest('lab'))
})
