import test from 'node:test'
import assert from 'node:assert/strict'
import { phaseSpans, type PhaseChange } from '../../../service/src/energy/timeline.js'
import type { Phase } from '../../../service/src/ports/phases.js'

const H = 3_600_000
const change = (from: Phase, to: Phase, atHours: number): PhaseChange => ({ from, to, at: atHours * H })
const spans = (transitions: PhaseChange[], runs: Array<[number, number]>, period: [number, number]) =>
  phaseSpans(transitions, runs.map(([a, b]) => ({ from: a * H, to: b * H })), { from: period[0] * H, to: period[1] * H })
    .map(s => [s.from / H, s.to / H, s.phase])

const cases: Array<{ name: string, transitions: PhaseChange[], runs: Array<[number, number]>, period: [number, number], expected: unknown[] }> = [
  {
    name: 'the phase at the period\'s start is the last one before it',
    transitions: [change('UNKNOWN', 'RUNNING', 0), change('RUNNING', 'OFFLINE', 5)],
    runs: [[0, 10]],
    period: [2, 8],
    expected: [[2, 5, 'RUNNING'], [5, 8, 'OFFLINE']]
  },
  {
    name: 'before the first run, and after the last, nothing is known',
    transitions: [change('UNKNOWN', 'OFFLINE', 3)],
    runs: [[3, 6]],
    period: [0, 10],
    expected: [[0, 3, 'UNKNOWN'], [3, 6, 'OFFLINE'], [6, 10, 'UNKNOWN']]
  },
  {
    name: 'after a restart, the time to the first probe is UNKNOWN (its transition says so)',
    transitions: [change('UNKNOWN', 'OFFLINE', 0), change('UNKNOWN', 'RUNNING', 5)],
    runs: [[0, 2], [4, 8]],
    period: [0, 8],
    expected: [[0, 2, 'OFFLINE'], [2, 5, 'UNKNOWN'], [5, 8, 'RUNNING']]
  },
  {
    name: 'a run without a transition keeps the phase the restart restored',
    transitions: [change('UNKNOWN', 'RUNNING', 0)],
    runs: [[0, 2], [3, 6]],
    period: [0, 6],
    expected: [[0, 2, 'RUNNING'], [2, 3, 'UNKNOWN'], [3, 6, 'RUNNING']]
  },
  {
    name: 'overlapping runs (two processes for a moment) count once',
    transitions: [change('UNKNOWN', 'IDLE', 0)],
    runs: [[0, 4], [3, 6]],
    period: [0, 6],
    expected: [[0, 6, 'IDLE']]
  },
  {
    name: 'a transition after the period does not reach back into it',
    transitions: [change('UNKNOWN', 'OFFLINE', 0), change('OFFLINE', 'WAKING', 9)],
    runs: [[0, 10]],
    period: [0, 8],
    expected: [[0, 8, 'OFFLINE']]
  }
]
for (const c of cases) {
  test(`timeline: ${c.name}`, () => assert.deepEqual(spans(c.transitions, c.runs, c.period), c.expected))
}
