import test, { type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { createWakes, type WakeStart } from '../../../service/src/store/wakes.js'
import { tempDatabase } from '../../helpers/temp-database.js'

function wakesInTempDb (t: TestContext) {
  const db = tempDatabase(t)
  return createWakes(db)
}

const t0 = 1_700_000_000_000
const request = (server: string, requestedAt: number, trigger: WakeStart['trigger'] = 'request'): WakeStart =>
  ({ server, trigger, method: 'udp', requestedAt })

test('a full wake timeline reads back as one row', (t) => {
  const wakes = wakesInTempDb(t)
  const id = wakes.begin({ server: 'testing', trigger: 'request', method: 'ssh', requestedAt: t0 })
  assert.equal(wakes.get(id)?.outcome, 'pending')
  wakes.markSent(id, { at: t0 + 150, packetsSent: 3, exitCode: 0, stderr: '' })
  wakes.markAlive(id, t0 + 20_000)
  wakes.markRunning(id, t0 + 45_000)
  wakes.finish(id, { outcome: 'running', at: t0 + 45_001 })
  assert.deepEqual(wakes.get(id), {
    id,
    server: 'testing',
    trigger: 'request',
    method: 'ssh',
    requestedAt: t0,
    sendStartedAt: null,
    sentAt: t0 + 150,
    packetsSent: 3,
    exitCode: 0,
    stderr: '',
    aliveAt: t0 + 20_000,
    runningAt: t0 + 45_000,
    finishedAt: t0 + 45_001,
    outcome: 'running',
    errorCode: null,
    errorMessage: null
  })
})

test('a failed wake keeps its error, and a later finish does not overwrite it', (t) => {
  const wakes = wakesInTempDb(t)
  const id = wakes.begin(request('erp', t0))
  wakes.finish(id, { outcome: 'failed', at: t0 + 10, errorCode: 'HALL_ERR_WAKE_SEND', errorMessage: 'EHOSTUNREACH' })
  wakes.finish(id, { outcome: 'timeout', at: t0 + 120_000 })
  const w = wakes.get(id)
  assert.equal(w?.outcome, 'failed')
  assert.equal(w?.finishedAt, t0 + 10)
  assert.equal(w?.errorCode, 'HALL_ERR_WAKE_SEND')
  assert.equal(w?.errorMessage, 'EHOSTUNREACH')
})

test('markAlive keeps the first time the host answered', (t) => {
  const wakes = wakesInTempDb(t)
  const id = wakes.begin(request('testing', t0))
  wakes.markAlive(id, t0 + 1000)
  wakes.markAlive(id, t0 + 5000)
  assert.equal(wakes.get(id)?.aliveAt, t0 + 1000)
})

test('stderr is stored cut to 4 KiB on a character boundary', (t) => {
  const wakes = wakesInTempDb(t)
  const id = wakes.begin(request('testing', t0))
  wakes.markSent(id, { at: t0, packetsSent: 0, exitCode: 127, stderr: 'é'.repeat(5000) }) // 10,000 bytes
  const stderr = wakes.get(id)?.stderr ?? ''
  assert.ok(Buffer.byteLength(stderr) <= 4096)
  assert.match(stderr, /^é+\n\[truncated\]$/)
})

test('get and latest return null when there is nothing', (t) => {
  const wakes = wakesInTempDb(t)
  assert.equal(wakes.get(42), null)
  assert.equal(wakes.latest('testing'), null)
})

test('pending lists unfinished wakes of every server, oldest first', (t) => {
  const wakes = wakesInTempDb(t)
  const a = wakes.begin(request('testing', t0 + 2))
  const b = wakes.begin(request('erp', t0 + 1))
  const done = wakes.begin(request('erp', t0))
  wakes.finish(done, { outcome: 'cancelled', at: t0 + 5 })
  assert.deepEqual(wakes.pending().map(w => w.id), [b, a])
})

test('latest and recent are per server, newest first', (t) => {
  const wakes = wakesInTempDb(t)
  const first = wakes.begin(request('testing', t0))
  const second = wakes.begin(request('testing', t0 + 1000))
  wakes.begin(request('erp', t0 + 2000))
  assert.equal(wakes.latest('testing')?.id, second)
  assert.deepEqual(wakes.recent('testing', 10).map(w => w.id), [second, first])
  assert.deepEqual(wakes.recent('testing', 1).map(w => w.id), [second])
})

test('bootDurationsMs counts only Hall\'s successful wakes, newest first', (t) => {
  const wakes = wakesInTempDb(t)
  const succeed = (start: WakeStart, bootMs: number) => {
    const id = wakes.begin(start)
    wakes.markRunning(id, start.requestedAt + bootMs)
    wakes.finish(id, { outcome: 'running', at: start.requestedAt + bootMs })
  }
  succeed(request('testing', t0), 40_000)
  succeed(request('testing', t0 + 100_000, 'schedule'), 50_000)
  succeed(request('testing', t0 + 200_000, 'external'), 1_000) // powered on by hand: Hall did not time it
  succeed(request('erp', t0 + 300_000), 90_000)
  const failed = wakes.begin(request('testing', t0 + 400_000))
  wakes.markRunning(failed, t0 + 400_000 + 5_000) // running briefly, then recorded as failed
  wakes.finish(failed, { outcome: 'failed', at: t0 + 500_000 })
  wakes.begin(request('testing', t0 + 600_000)) // still pending
  assert.deepEqual(wakes.bootDurationsMs('testing', 10), [50_000, 40_000])
  assert.deepEqual(wakes.bootDurationsMs('testing', 1), [50_000])
})

test('countByOutcome counts wakes requested since the cutoff', (t) => {
  const wakes = wakesInTempDb(t)
  const old = wakes.begin(request('testing', t0 - 1))
  wakes.finish(old, { outcome: 'failed', at: t0 })
  for (const outcome of ['running', 'running', 'timeout'] as const) {
    wakes.finish(wakes.begin(request('testing', t0)), { outcome, at: t0 + 1 })
  }
  wakes.begin(request('testing', t0 + 5))
  wakes.begin(request('erp', t0 + 5))
  assert.deepEqual(wakes.countByOutcome('testing', t0),
    { pending: 1, running: 2, failed: 0, timeout: 1, cancelled: 0 })
})
