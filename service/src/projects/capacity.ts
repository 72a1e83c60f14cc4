import type { Allocation } from '../config/types.js'
import { HallError } from '../errors.js'
import { formatAllocation } from './spec.js'

/** What is left of `capacity` once `allocated` is taken; CPU counted in thousandths, so 0.1 + 0.2 is 0.3. */
export function remaining (capacity: Allocation, allocated: readonly Allocation[]): Allocation {
  const milli = (cpu: number): number => Math.round(cpu * 1000)
  return {
    cpu: (milli(capacity.cpu) - allocated.reduce((sum, a) => sum + milli(a.cpu), 0)) / 1000,
    memoryMib: capacity.memoryMib - allocated.reduce((sum, a) => sum + a.memoryMib, 0),
    diskGib: capacity.diskGib - allocated.reduce((sum, a) => sum + a.diskGib, 0)
  }
}

/** Throws HALL_ERR_PROJECT_CAPACITY saying what is left when `wanted` does not fit. */
export function assertFits (server: string, capacity: Allocation, others: readonly Allocation[], wanted: Allocation): void {
  const left = remaining(capacity, others)
  const short = [
    wanted.cpu > left.cpu ? 'CPU' : null,
    wanted.memoryMib > left.memoryMib ? 'memory' : null,
    wanted.diskGib > left.diskGib ? 'disk' : null
  ].filter(s => s !== null)
  if (short.length === 0) return
  const shown: Allocation = { cpu: Math.max(0, left.cpu), memoryMib: Math.max(0, left.memoryMib), diskGib: Math.max(0, left.diskGib) }
  throw new HallError('HALL_ERR_PROJECT_CAPACITY',
    `server ${server} has not enough ${short.join(', ')} left: ${formatAllocation(shown)} are free of ${formatAllocation(capacity)}, and the project asks for ${formatAllocation(wanted)}`,
    { server, left: shown, wanted })
}
