import assert from 'node:assert/strict'

/** Equal to within `relative` (0.1 % by default): hand computations are written to 6 decimals. */
export function assertClose (actual: number, expected: number, what = '', relative = 0.001): void {
  const ok = expected === 0 ? Math.abs(actual) < 1e-9 : Math.abs(actual - expected) <= Math.abs(expected) * relative
  assert.ok(ok, `${what}: ${actual} is not within ${relative * 100} % of ${expected}`)
}
