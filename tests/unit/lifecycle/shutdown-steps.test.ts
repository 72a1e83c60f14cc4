import assert from 'node:assert/strict'
import { test } from 'node:test'
import { initialState, type ServerState } from '../../../service/src/lifecycle/states.js'
import { next, type LifecycleEvent, type LifecycleRules } from '../../../service/src/lifecycle/transitions.js'

const rules: LifecycleRules = { policy: 'on_demand', wakeTimeoutMs: 120_000, idleShutdownMs: 20 * 60_000, canShutdown: true, hasBusyCheck: true, offTimeoutMs: 60_000 }
const T0 = 1_000_000_000
const running: ServerState = { ...initialState(T0), phase: 'RUNNING', since: T0, idleFrom: T0 }
const tick: LifecycleEvent = { kind: 'tick', wantUp: false, mayIdle: true }

function checking (): ServerState {
  const step = next(running, tick, rules, T0 + 20 * 60_000)
  assert.equal(step.state.shutdown?.stage, 'checking')
  assert.equal(step.state.phase, 'RUNNING', 'still serving while the busy check runs')
  return step.state
}

test('traffic during the busy check cancels the shutdown', () => {
  const step = next(checking(), { kind: 'activity', at: T0 + 20 * 60_000 + 500 }, rules, T0 + 20 * 60_000 + 1000)
  assert.equal(step.state.shutdown, null)
  assert.deepEqual(step.effects.map(e => e.kind), ['shutdown-finished'])
  assert.equal((step.effects[0] as { outcome: string }).outcome, 'cancelled')
})

test('a wake asked for during the busy check (API, schedule) cancels the shutdown too', () => {
  const step = next(checking(), { kind: 'wake-requested', trigger: 'api' }, rules, T0 + 20 * 60_000 + 1000)
  assert.equal(step.state.shutdown, null)
  assert.equal(step.state.phase, 'RUNNING')
  assert.equal((step.effects[0] as { outcome: string }).outcome, 'cancelled')
})

test('a busy check answering after it was cancelled changes nothing', () => {
  const cancelled = next(checking(), { kind: 'activity', at: T0 + 20 * 60_000 + 500 }, rules, T0 + 20 * 60_000 + 1000).state
  const late = next(cancelled, { kind: 'busy-checked', requestedAt: T0 + 20 * 60_000, busy: false }, rules, T0 + 20 * 60_000 + 2000)
  assert.equal(late.state, cancelled)
  assert.deepEqual(late.effects, [])
})

test('not busy: SHUTDOWN and the command; sent: a deadline; seen off twice: OFFLINE and the shutdown is done', () => {
  const at = T0 + 20 * 60_000
  const clear = next(checking(), { kind: 'busy-checked', requestedAt: at, busy: false }, rules, at + 100)
  assert.equal(clear.state.phase, 'SHUTDOWN')
  assert.deepEqual(clear.effects, [{ kind: 'send-shutdown' }])
  const sent = next(clear.state, { kind: 'shutdown-sent', requestedAt: at }, rules, at + 500)
  assert.deepEqual(sent.effects, [{ kind: 'arm-shutdown-deadline', at: at + 500 + 60_000, requestedAt: at }])
  const down: LifecycleEvent = { kind: 'probe', alive: false, ready: false }
  const once = next(sent.state, down, rules, at + 1000)
  assert.equal(once.state.phase, 'SHUTDOWN', 'one lost probe is not "off"')
  const twice = next(once.state, down, rules, at + 1500)
  assert.equal(twice.state.phase, 'OFFLINE')
  assert.deepEqual(twice.effects, [{ kind: 'shutdown-finished', outcome: 'off' }])
})

test('a shutdown command that could not run leaves the server up, counting down afresh', () => {
  const at = T0 + 20 * 60_000
  const clear = next(checking(), { kind: 'busy-checked', requestedAt: at, busy: false }, rules, at + 100).state
  const failed = next(clear, { kind: 'shutdown-failed', requestedAt: at, code: 'HALL_ERR_SSH_CONNECT', message: 'relay down' }, rules, at + 200)
  assert.equal(failed.state.phase, 'RUNNING')
  assert.equal(failed.state.idleFrom, at + 200)
  assert.equal((failed.effects[0] as { outcome: string }).outcome, 'failed')
  assert.equal(next(failed.state, tick, rules, at + 1000).state.shutdown, null, 'no retry before another idle period')
})
