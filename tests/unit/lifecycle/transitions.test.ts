import assert from 'node:assert/strict'
import { test } from 'node:test'
import { initialState, type Phase, type ServerState } from '../../../service/src/lifecycle/states.js'
import { FAILED_PROBES_BEFORE_DOWN, next, WAKE_RETRY_COOLDOWN_MS, type LifecycleEvent, type LifecycleRules } from '../../../service/src/lifecycle/transitions.js'

const rules: LifecycleRules = { policy: 'on_demand', wakeTimeoutMs: 120_000, idleShutdownMs: null, canShutdown: false, hasBusyCheck: false, offTimeoutMs: 180_000 }
const T0 = 1_000_000
const down: LifecycleEvent = { kind: 'probe', alive: false, ready: false }
const alive: LifecycleEvent = { kind: 'probe', alive: true, ready: false }
const ready: LifecycleEvent = { kind: 'probe', alive: true, ready: true }
const wake: LifecycleEvent = { kind: 'wake-requested', trigger: 'request' }

/** Feeds events one second apart and returns every step. */
function run (events: LifecycleEvent[], from: ServerState = initialState(T0)) {
  let state = from
  return events.map((e, i) => {
    const step = next(state, e, rules, T0 + (i + 1) * 1000)
    state = step.state
    return step
  })
}
const phases = (events: LifecycleEvent[], from?: ServerState): Phase[] => run(events, from).map(s => s.state.phase)
const effectKinds = (events: LifecycleEvent[]): string[][] => run(events).map(s => s.effects.map(e => e.kind))

test('first probe decides: off, up, or host up with the application still starting', () => {
  assert.deepEqual(phases([down]), ['OFFLINE'])
  assert.deepEqual(phases([ready]), ['RUNNING'])
  assert.deepEqual(phases([alive]), ['BOOTING'])
})

test('on-demand wake: OFFLINE -> WAKING -> BOOTING -> RUNNING, recording each step of the wake', () => {
  const events = [down, wake, down, alive, ready]
  assert.deepEqual(phases(events), ['OFFLINE', 'WAKING', 'WAKING', 'BOOTING', 'RUNNING'])
  assert.deepEqual(effectKinds(events), [[], ['begin-wake', 'arm-deadline'], [], ['wake-alive'], ['wake-finished']])
  const finished = run(events)[4]!.effects[0]
  assert.deepEqual(finished, { kind: 'wake-finished', outcome: 'running' })
})

test('single-flight: a burst of wake requests sends one wake', () => {
  const steps = run([down, wake, wake, wake, alive, wake])
  const begins = steps.flatMap(s => s.effects).filter(e => e.kind === 'begin-wake')
  assert.equal(begins.length, 1)
})

test('a wake asked before the first probe waits for it: no packet to a server that is already up', () => {
  assert.deepEqual(effectKinds([wake, ready]), [[], []])
  assert.deepEqual(phases([wake, ready]), ['UNKNOWN', 'RUNNING'])
  assert.deepEqual(effectKinds([wake, down]), [[], ['begin-wake', 'arm-deadline']])
})

test('a wake that is not RUNNING by its deadline fails, and a later request may retry', () => {
  const steps = run([down, wake])
  const waking = steps[1]!.state
  const deadline = next(waking, { kind: 'wake-deadline', requestedAt: waking.wake!.requestedAt }, rules, waking.wake!.deadline)
  assert.equal(deadline.state.phase, 'OFFLINE')
  assert.equal(deadline.effects[0]?.kind, 'wake-finished')
  assert.equal((deadline.effects[0] as { outcome: string }).outcome, 'timeout')
  const retry = next(deadline.state, wake, rules, waking.wake!.deadline + 1000)
  assert.equal(retry.state.phase, 'WAKING')
  assert.equal(retry.effects[0]?.kind, 'begin-wake')
})

test('a deadline from an older wake is ignored', () => {
  const waking = run([down, wake])[1]!.state
  const stale = next(waking, { kind: 'wake-deadline', requestedAt: waking.wake!.requestedAt - 1 }, rules, T0 + 200_000)
  assert.equal(stale.state, waking)
})

test('deadline while BOOTING: the wake fails but the host stays BOOTING (it answers)', () => {
  const booting = run([down, wake, alive])[2]!.state
  const step = next(booting, { kind: 'wake-deadline', requestedAt: booting.wake!.requestedAt }, rules, booting.wake!.deadline)
  assert.equal(step.state.phase, 'BOOTING')
  assert.equal(step.state.wake, null)
  assert.equal((step.effects[0] as { outcome: string }).outcome, 'timeout')
})

test('a wake whose sending failed ends OFFLINE with the error recorded', () => {
  const waking = run([down, wake])[1]!.state
  const step = next(waking, { kind: 'wake-failed', requestedAt: waking.wake!.requestedAt, code: 'HALL_ERR_SSH_HOST_KEY_MISMATCH', message: 'host key mismatch' }, rules, T0 + 5000)
  assert.equal(step.state.phase, 'OFFLINE')
  assert.deepEqual(step.effects, [{ kind: 'wake-finished', outcome: 'failed', error: { code: 'HALL_ERR_SSH_HOST_KEY_MISMATCH', message: 'host key mismatch' } }])
})

test('after a wake could not be sent, requests wait for the cooldown before trying again', () => {
  const waking = run([down, wake])[1]!.state
  const failedAt = T0 + 5000
  const failed = next(waking, { kind: 'wake-failed', requestedAt: waking.wake!.requestedAt, code: 'HALL_ERR_SSH_CONNECT', message: 'relay down' }, rules, failedAt).state
  assert.equal(next(failed, wake, rules, failedAt + WAKE_RETRY_COOLDOWN_MS - 1).state.phase, 'OFFLINE')
  assert.equal(next(failed, wake, rules, failedAt + WAKE_RETRY_COOLDOWN_MS).state.phase, 'WAKING')
})

test('a late result from an older wake does not touch the current one', () => {
  const first = run([down, wake])[1]!.state
  const timedOut = next(first, { kind: 'wake-deadline', requestedAt: first.wake!.requestedAt }, rules, first.wake!.deadline).state
  const second = next(timedOut, wake, rules, first.wake!.deadline + 1000).state
  assert.equal(second.phase, 'WAKING')
  const lateFailure = next(second, { kind: 'wake-failed', requestedAt: first.wake!.requestedAt, code: 'HALL_ERR_SSH_DEADLINE', message: 'relay hung' }, rules, first.wake!.deadline + 2000)
  assert.equal(lateFailure.state, second)
  assert.deepEqual(lateFailure.effects, [])
  const lateSuccess = next(second, { kind: 'wake-sent', requestedAt: first.wake!.requestedAt }, rules, first.wake!.deadline + 2000)
  assert.equal(lateSuccess.state.wake?.sentAt, null)
})

test('a server powered on by hand is recorded as an external boot', () => {
  const steps = run([down, alive, ready])
  assert.deepEqual(steps.map(s => s.state.phase), ['OFFLINE', 'BOOTING', 'RUNNING'])
  assert.deepEqual(steps[1]!.effects[0], { kind: 'begin-wake', trigger: 'external', send: false })
  const direct = run([down, ready])
  assert.deepEqual(direct[1]!.effects.map(e => e.kind), ['begin-wake', 'wake-alive', 'wake-finished'])
})

test('one lost probe does not flip a running server; repeated failures do', () => {
  const failures = Array.from({ length: FAILED_PROBES_BEFORE_DOWN }, () => down)
  assert.deepEqual(phases([ready, down, ready]), ['RUNNING', 'RUNNING', 'RUNNING'])
  assert.equal(phases([ready, ...failures]).at(-1), 'OFFLINE')
  assert.equal(phases([ready, ...failures.map(() => alive)]).at(-1), 'BOOTING')
})

test('activity only moves forward', () => {
  const s = initialState(T0)
  const later = next(s, { kind: 'activity', at: T0 + 10 }, rules, T0 + 10).state
  assert.equal(later.lastActivityAt, T0 + 10)
  assert.equal(next(later, { kind: 'activity', at: T0 + 5 }, rules, T0 + 11).state, later)
})

test('the transition function is pure: the input state is never modified', () => {
  const s = Object.freeze(initialState(T0))
  const step = next(s, down, rules, T0 + 1)
  assert.equal(s.phase, 'UNKNOWN')
  assert.notEqual(step.state, s)
})

test('a request while the host is half up is not lost: the wake starts as soon as the host is seen off', () => {
  // Hall starts while the server still answers on its way down; a user asks meanwhile
  assert.deepEqual(phases([wake, alive, down]), ['UNKNOWN', 'BOOTING', 'WAKING'])
  assert.deepEqual(effectKinds([wake, alive, down])[2], ['begin-wake', 'arm-deadline'])
  // the application crashed (BOOTING without a wake), then the host went down
  const crashed = run([ready, alive, alive])[2]!.state
  assert.equal(crashed.phase, 'BOOTING')
  const asked = next(crashed, wake, rules, T0 + 10_000).state
  assert.equal(next(asked, down, rules, T0 + 11_000).state.phase, 'WAKING')
  // nobody asked: the server simply goes OFFLINE
  assert.equal(next(crashed, down, rules, T0 + 11_000).state.phase, 'OFFLINE')
})

test('a wake held through a pause (power-off settle, cooldown) is not sent by the first probe after a restart', () => {
  const restored = { ...initialState(T0), pendingWake: 'request' as const, retryNotBefore: T0 + 5000 }
  const first = next(restored, down, rules, T0 + 250)
  assert.equal(first.state.phase, 'OFFLINE')
  assert.deepEqual(first.effects, [], 'no wake yet: the machine may still be powering down')
  assert.equal(first.state.pendingWake, 'request', 'still held')
  const later = next(first.state, { kind: 'tick', wantUp: false, mayIdle: true }, rules, T0 + 5000)
  assert.equal(later.state.phase, 'WAKING')
})
