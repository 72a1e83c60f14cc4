import { HallError } from '../errors.js'
import type { Writes } from './write-queue.js'

/**
 * Before a read that must see every write Hall made (what a supervisor restores from): the
 * writes still queued are tried now, and if another process keeps them out, the read is refused
 * rather than answered from the past (a reload then keeps the config in force, and is retried).
 */
export function upToDate (writes: Writes, what: string): void {
  if (writes.flush()) return
  throw new HallError('HALL_ERR_STORE_IN_USE',
    `cannot read ${what}: another process holds the database's write lock and ${writes.size()} of Hall's writes wait for it`)
}
