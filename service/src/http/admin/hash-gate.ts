import { HallError } from '../../errors.js'

/**
 * Runs password hashes one at a time. Each scrypt takes 128 MiB for about a quarter of a second:
 * four at once on libuv's four threads would take half a gigabyte of a Pi's memory. Past
 * `maxWaiting` queued hashes a new one is refused at once (HALL_ERR_ADMIN_LOGIN_LOCKED, a 429).
 */
export interface HashGate {
  run<T> (hash: () => Promise<T>): Promise<T>
}

export function createHashGate (maxWaiting = 16): HashGate {
  let tail: Promise<unknown> = Promise.resolve()
  let waiting = 0
  return {
    async run (hash) {
      if (waiting >= maxWaiting) throw new HallError('HALL_ERR_ADMIN_LOGIN_LOCKED', 'too many logins at once: try again in a moment')
      waiting++
      const turn = tail.then(hash, hash)
      // the next one waits for this one to settle, whatever its outcome
      tail = turn.then(() => undefined, () => undefined)
      try {
        return await turn
      } finally {
        waiting--
      }
    }
  }
}
