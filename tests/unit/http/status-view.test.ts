import assert from 'node:assert/strict'
import { test } from 'node:test'
import { shutdownSchema, wakeSchema, type ShutdownJson, type WakeJson } from '../../../service/src/contract/status.js'
import { currentActivity, currentFailure, probeJson, publicError, scheduleJson, shutdownJson, wakeJson, type Activity } from '../../../service/src/http/status-view.js'
import type { ProbeOutcome } from '../../../service/src/lifecycle/ports.js'
import type { Phase } from '../../../service/src/lifecycle/states.js'
import type { WakeRecord } from '../../../service/src/store/index.js'

const since = 1_000_000
const wake = (outcome: WakeRecord['outcome'], finishedAt: number | null): WakeRecord => ({
  id: 1,
  server: 'lab',
  trigger: 'request',
  method: 'ssh',
  requestedAt: since - 5000,
  sendStartedAt: null,
  sentAt: null,
  packetsSent: null,
  exitCode: null,
  stderr: null,
  aliveAt: null,
  runningAt: null,
  finishedAt,
  outcome,
  errorCode: outcome === 'failed' ? 'HALL_ERR_SSH_CONNECT' : outcome === 'timeout' ? 'HALL_ERR_WAKE_TIMEOUT' : null,
  errorMessage: outcome === 'pending' || outcome === 'running' ? null : 'relay down'
})

const cases: Array<{ name: string, phase: Phase, wake: WakeRecord | null, failed: boolean }> = [
  { name: 'a wake that just failed', phase: 'OFFLINE', wake: wake('failed', since), failed: true },
  { name: 'a wake that timed out while the host answers', phase: 'BOOTING', wake: wake('timeout', since + 2000), failed: true },
  { name: 'yesterday\'s failure, server seen off since', phase: 'OFFLINE', wake: wake('failed', since - 86_400_000), failed: false },
  { name: 'a failure before the first probe after a restart', phase: 'UNKNOWN', wake: wake('failed', since + 10), failed: false },
  { name: 'a wake under way', phase: 'WAKING', wake: wake('pending', null), failed: false },
  { name: 'a server that came up after all', phase: 'RUNNING', wake: wake('timeout', since + 10), failed: false },
  { name: 'no wake ever', phase: 'OFFLINE', wake: null, failed: false },
  { name: 'a cancelled wake', phase: 'OFFLINE', wake: wake('cancelled', since), failed: false }
]
for (const c of cases) {
  test(`waiting page failure: ${c.name} -> ${c.failed ? 'shown' : 'not shown'}`, () => {
    const failure = currentFailure(c.phase, since, c.wake)
    assert.equal(failure !== null, c.failed)
    if (failure !== null) assert.equal(failure.code, c.wake!.errorCode)
  })
}

type Check = ProbeOutcome['checks'][number]
const check = (type: string, ok: boolean, reason: string | null = ok ? null : 'refused'): Check => ({ type, target: 't', ok, reason, durationMs: 1 })
const probe = (...checks: Check[]): ProbeOutcome => ({ alive: true, ready: checks.every(c => c.ok), checks })

const activities: Array<{ name: string, phase: Phase, probe: ProbeOutcome | null, activity: Activity }> = [
  { name: 'before the first probe', phase: 'UNKNOWN', probe: null, activity: 'checking' },
  { name: 'asleep', phase: 'OFFLINE', probe: null, activity: 'asleep' },
  { name: 'packet sent, no answer', phase: 'WAKING', probe: probe(check('ping', false, 'timeout')), activity: 'waking' },
  { name: 'ping answers, SSH port not yet', phase: 'BOOTING', probe: probe(check('ping', true), check('tcp', false), check('http', false)), activity: 'booting' },
  { name: 'ping and SSH answer, HTTP refused', phase: 'BOOTING', probe: probe(check('ping', true), check('tcp', true), check('http', false)), activity: 'starting-app' },
  { name: 'HTTP answers 503', phase: 'BOOTING', probe: probe(check('http', false, 'status')), activity: 'starting-app' },
  { name: 'HTTP answers with the wrong body', phase: 'BOOTING', probe: probe(check('tcp', false), check('http', false, 'body')), activity: 'starting-app' },
  { name: 'no ping tool, TCP answers, HTTP refused', phase: 'BOOTING', probe: probe(check('ping', false, 'unavailable'), check('tcp', true), check('http', false)), activity: 'starting-app' },
  { name: 'only a TCP check, which answers', phase: 'BOOTING', probe: probe(check('tcp', true)), activity: 'booting' },
  { name: 'no probe yet after a restart', phase: 'BOOTING', probe: null, activity: 'booting' },
  { name: 'running', phase: 'RUNNING', probe: null, activity: 'ready' },
  { name: 'idle', phase: 'IDLE', probe: null, activity: 'ready' },
  { name: 'shutting down', phase: 'SHUTDOWN', probe: null, activity: 'shutting-down' }
]
for (const c of activities) {
  test(`what the server is doing: ${c.name} -> ${c.activity}`, () => {
    assert.equal(currentActivity(c.phase, c.probe), c.activity)
  })
}

test('the public status never shows relay addresses, users or key files, nor probe targets', () => {
  const leaky = 'cannot connect to hall@192.168.1.2:22 (relay "pi"): key /run/secrets/hall_ssh_key refused'
  assert.deepEqual(publicError('HALL_ERR_SSH_AUTH', leaky), { code: 'HALL_ERR_SSH_AUTH', message: 'the relay could not run the command' })
  assert.deepEqual(publicError('HALL_ERR_WAKE_TIMEOUT', 'not ready after 120 s'), { code: 'HALL_ERR_WAKE_TIMEOUT', message: 'not ready after 120 s' })
  const probe = probeJson({ alive: true, ready: false, at: 0, checks: [{ type: 'http', target: 'http://192.168.1.20:8080/health', ok: false, reason: 'status', durationMs: 3 }] })
  assert.doesNotMatch(JSON.stringify(probe), /192\.168/)
})

test('a scheduled server says whether its window is open and when that changes, in UTC and local time', () => {
  const schedule = { timezone: 'Europe/Paris', windows: [{ days: ['thu' as const], fromMinute: 8 * 60, toMinute: 19 * 60 }] }
  assert.deepEqual(scheduleJson(schedule, Date.parse('2026-11-26T09:00:00Z')), {
    timezone: 'Europe/Paris', open: true, next_change: 'closes', next_change_at: '2026-11-26T18:00:00.000Z', next_change_local: '2026-11-26T19:00:00+01:00'
  })
  assert.equal(scheduleJson(schedule, Date.parse('2026-11-26T18:00:00Z'))?.next_change, 'opens')
  assert.equal(scheduleJson(null, 0), null)
})

test('a wake as every client reads it: when each step happened, and how long after the request', () => {
  const record: WakeRecord = {
    ...wake('running', since + 61_000),
    sendStartedAt: since - 4900,
    sentAt: since - 4000,
    packetsSent: 3,
    aliveAt: since + 30_000,
    runningAt: since + 61_000
  }
  const expected: WakeJson = {
    id: 1,
    trigger: 'request',
    method: 'ssh',
    requested_at: '1970-01-01T00:16:35.000Z',
    sent_at: '1970-01-01T00:16:36.000Z',
    packets_sent: 3,
    exit_code: null,
    alive_at: '1970-01-01T00:17:10.000Z',
    running_at: '1970-01-01T00:17:41.000Z',
    finished_at: '1970-01-01T00:17:41.000Z',
    outcome: 'running',
    error: null,
    timeline_ms: { sent: 1000, alive: 35_000, running: 66_000 }
  }
  assert.deepEqual(wakeJson(record), expected)
  assert.deepEqual(wakeSchema.parse(wakeJson(record)), expected, 'what the contract publishes')
  assert.deepEqual(wakeJson({ ...record, outcome: 'failed', errorCode: 'HALL_ERR_SSH_AUTH', errorMessage: 'key refused for hall@192.168.1.2' })?.error,
    { code: 'HALL_ERR_SSH_AUTH', message: 'the relay could not run the command' })
  assert.equal(wakeJson(null), null)
})

test('a shutdown as every client reads it, its error scrubbed like a wake\'s', () => {
  const expected: ShutdownJson = {
    id: 4,
    trigger: 'idle',
    requested_at: '1970-01-01T00:16:40.000Z',
    sent_at: '1970-01-01T00:16:41.000Z',
    exit_code: 255,
    off_at: null,
    outcome: 'failed',
    error: { code: 'HALL_ERR_SSH_EXIT_STATUS', message: 'the relay could not run the command' }
  }
  const json = shutdownJson({
    id: 4,
    server: 'lab',
    trigger: 'idle',
    requestedAt: since,
    sendStartedAt: since,
    sentAt: since + 1000,
    exitCode: 255,
    stderr: 'Connection closed by 192.168.1.20 port 22',
    offAt: null,
    finishedAt: since + 1000,
    outcome: 'failed',
    errorCode: 'HALL_ERR_SSH_EXIT_STATUS',
    errorMessage: 'poweroff failed on hall@192.168.1.20'
  })
  assert.deepEqual(json, expected)
  assert.deepEqual(shutdownSchema.parse(json), expected)
  assert.equal(shutdownJson(null), null)
})
