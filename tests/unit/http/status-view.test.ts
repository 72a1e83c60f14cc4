import assert from 'node:assert/strict'
import { test } from 'node:test'
import { currentFailure } from '../../../service/src/http/status-view.js'
import type { Phase } from '../../../service/src/lifecycle/states.js'
import type { WakeRecord } from '../../../service/src/store/index.js'

const since = 1_000_000
const wake = (outcome: WakeRecord['outcome'], finishedAt: number | null): WakeRecord => ({
  id: 1,
  server: 'lab',
  trigger: 'request',
  method: 'ssh',
  requestedAt: since - 5000,
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
