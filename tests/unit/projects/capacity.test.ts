import assert from 'node:assert/strict'
import test from 'node:test'
import type { Allocation } from '../../../service/src/config/types.js'
import { isHallError } from '../../../service/src/errors.js'
import { assertFits, remaining } from '../../../service/src/projects/capacity.js'

const a = (cpu: number, memoryMib: number, diskGib: number): Allocation => ({ cpu, memoryMib, diskGib })
const capacity = a(8, 16384, 200)

test('remaining: the capacity less every allocation', () => {
  assert.deepEqual(remaining(capacity, []), capacity)
  assert.deepEqual(remaining(capacity, [a(1.5, 512, 4), a(2, 2048, 20)]), a(4.5, 13824, 176))
  // a capacity shrunk below what is held is negative: the reload check reads that
  assert.deepEqual(remaining(a(1, 512, 4), [a(1.5, 1024, 4)]), a(-0.5, -512, 0))
})

// sums in binary floating point drift: 0.1 + 0.2 is 0.30000000000000004, ten times 0.1 is 0.9999999999999999
const floats = [
  { name: '0.1 + 0.2 of 0.3', capacity: 0.3, held: [0.1, 0.2], left: 0 },
  { name: 'ten times 0.1 of 1', capacity: 1, held: Array(10).fill(0.1), left: 0 },
  { name: '0.7 + 0.1 of 1', capacity: 1, held: [0.7, 0.1], left: 0.2 },
  { name: '0.001 steps', capacity: 2.5, held: [0.333, 0.333, 0.334], left: 1.5 }
]
for (const c of floats) {
  test(`remaining: CPU sums without float noise: ${c.name}`, () => {
    assert.equal(remaining(a(c.capacity, 1, 1), c.held.map(cpu => a(cpu, 0, 0))).cpu, c.left)
  })
}

test('assertFits: what fits exactly fits, to the last millicore, MiB and GiB', () => {
  assert.doesNotThrow(() => assertFits('testing', a(1, 1024, 10), [a(0.1, 0, 0), a(0.2, 0, 0)], a(0.7, 1024, 10)))
  assert.doesNotThrow(() => assertFits('testing', capacity, [], capacity))
})

const refusals = [
  { name: 'one millicore over', others: [a(0.1, 0, 0), a(0.2, 0, 0)], wanted: a(0.701, 1, 1), message: 'server testing has not enough CPU left: 0.7 CPU, 1024 MiB memory, 10 GiB disk are free of 1 CPU, 1024 MiB memory, 10 GiB disk, and the project asks for 0.701 CPU, 1 MiB memory, 1 GiB disk' },
  { name: 'memory and disk', others: [a(0.5, 1000, 9)], wanted: a(0.5, 25, 2), message: 'server testing has not enough memory, disk left: 0.5 CPU, 24 MiB memory, 1 GiB disk are free of 1 CPU, 1024 MiB memory, 10 GiB disk, and the project asks for 0.5 CPU, 25 MiB memory, 2 GiB disk' },
  // after a capacity was lowered by hand: "0 left", never a negative amount
  { name: 'nothing left at all', others: [a(2, 2048, 20)], wanted: a(0.001, 1, 1), message: 'server testing has not enough CPU, memory, disk left: 0 CPU, 0 MiB memory, 0 GiB disk are free of 1 CPU, 1024 MiB memory, 10 GiB disk, and the project asks for 0.001 CPU, 1 MiB memory, 1 GiB disk' }
]
for (const r of refusals) {
  test(`assertFits: refused with what is left: ${r.name}`, () => {
    assert.throws(() => assertFits('testing', a(1, 1024, 10), r.others, r.wanted), (err: unknown) => {
      assert.ok(isHallError(err, 'HALL_ERR_PROJECT_CAPACITY'))
      assert.equal(err.message, r.message)
      assert.deepEqual((err.details as { wanted: Allocation }).wanted, r.wanted)
      return true
    })
  })
}
