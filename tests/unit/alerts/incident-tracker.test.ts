import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Policy } from '../../../service/src/config/types.js'
import type { Phase } from '../../../service/src/ports/phases.js'
import { createIncidentTracker, type Alert, type Observation } from '../../../service/src/alerts/incident-tracker.js'

const MIN = 60_000
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0)
const settings = { downAfterMs: 5 * MIN, flappingChangesPerHour: 4 }
const brief = (alerts: Alert[]): string[] => alerts.map(a => `${a.status} ${a.event} ${a.server ?? '-'}`)

/** Feeds the observations in order and returns every alert, briefly. */
function run (observations: Observation[]): string[] {
  const tracker = createIncidentTracker(settings)
  return observations.flatMap(o => brief(tracker.observe(o)))
}
const phase = (server: string, p: string, at: number, policy: Policy = 'on_demand'): Observation =>
  ({ kind: 'phase', server, policy, phase: p as Phase, at })

test('a failed wake fires once however often it fails, and clears when the server comes up', () => {
  assert.deepEqual(run([
    { kind: 'wake-finished', server: 'lab', outcome: 'timeout', at: T0 },
    { kind: 'wake-finished', server: 'lab', outcome: 'failed', at: T0 + MIN },
    phase('lab', 'RUNNING', T0 + 2 * MIN)
  ]), ['firing wake_failed lab', 'resolved wake_failed lab'])
})

test('an always_on server down: nothing before N minutes, one alert after, one recovery', () => {
  const tracker = createIncidentTracker(settings)
  const out = [
    tracker.observe(phase('nas', 'RUNNING', T0, 'always_on')),
    tracker.observe(phase('nas', 'OFFLINE', T0 + MIN, 'always_on')),
    tracker.observe({ kind: 'tick', at: T0 + 5 * MIN }), // 4 minutes down: not yet
    tracker.observe({ kind: 'tick', at: T0 + 6 * MIN }),
    tracker.observe({ kind: 'tick', at: T0 + 7 * MIN }),
    tracker.observe(phase('nas', 'WAKING', T0 + 8 * MIN, 'always_on')),
    tracker.observe(phase('nas', 'RUNNING', T0 + 9 * MIN, 'always_on'))
  ].map(brief)
  assert.deepEqual(out, [[], [], [], ['firing always_on_down nas'], [], [], ['resolved always_on_down nas']])
})

test('an on_demand server asleep for hours is no incident', () => {
  assert.deepEqual(run([phase('lab', 'RUNNING', T0), phase('lab', 'OFFLINE', T0 + MIN), { kind: 'tick', at: T0 + 300 * MIN }]), [])
})

test('flapping: more than K changes within an hour fires once; it clears when the hour holds half as many', () => {
  const phases = ['RUNNING', 'OFFLINE', 'RUNNING', 'OFFLINE', 'RUNNING', 'OFFLINE', 'RUNNING']
  const observations: Observation[] = phases.map((p, i) => phase('lab', p, T0 + i * MIN))
  // 6 changes in 6 minutes (K = 4): one alert; an hour later the window is empty
  assert.deepEqual(run([...observations, { kind: 'tick', at: T0 + 30 * MIN }, { kind: 'tick', at: T0 + 70 * MIN }]), ['firing flapping lab', 'resolved flapping lab'])
})

test('a shutdown that never completed fires; the server seen off clears it', () => {
  assert.deepEqual(run([
    phase('lab', 'SHUTDOWN', T0),
    { kind: 'shutdown-finished', server: 'lab', outcome: 'timeout', at: T0 + MIN },
    { kind: 'shutdown-finished', server: 'lab', outcome: 'failed', at: T0 + 2 * MIN },
    phase('lab', 'OFFLINE', T0 + 3 * MIN)
  ]), ['firing shutdown_failed lab', 'resolved shutdown_failed lab'])
})

test('a rejected config fires once per run of rejections; the next good one clears it', () => {
  assert.deepEqual(run([
    { kind: 'reload', ok: true, at: T0 },
    { kind: 'reload', ok: false, at: T0 + MIN },
    { kind: 'reload', ok: false, at: T0 + 2 * MIN },
    { kind: 'reload', ok: true, at: T0 + 3 * MIN },
    { kind: 'reload', ok: false, at: T0 + 4 * MIN }
  ]), ['firing config_rejected -', 'resolved config_rejected -', 'firing config_rejected -'])
})

test('new thresholds apply to an outage under way and keep its start: 3 minutes down fires at once under a 2-minute limit', () => {
  const tracker = createIncidentTracker({ ...settings, downAfterMs: 30 * MIN })
  tracker.observe(phase('nas', 'OFFLINE', T0, 'always_on'))
  assert.deepEqual(brief(tracker.observe({ kind: 'tick', at: T0 + 3 * MIN })), [])
  tracker.reconfigure({ ...settings, downAfterMs: 2 * MIN })
  assert.deepEqual(brief(tracker.observe({ kind: 'tick', at: T0 + 3 * MIN })), ['firing always_on_down nas'])
})
