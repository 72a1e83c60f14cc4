import type { Clock } from '../../clock.js'
import { createHashGate, type HashGate } from './hash-gate.js'
import { createLoginLimits, type LoginLimits } from './login-limits.js'

/**
 * One count of failed logins and one scrypt queue for every form that checks a password. The
 * admin's login and the portal's sign in the same accounts: with a count each, a guesser would
 * get five tries at each door before an account locked, and two queues would let twice the
 * hashes run at once.
 */
export interface LoginGuards {
  readonly limits: LoginLimits
  readonly gate: HashGate
}

export function createLoginGuards (clock: Clock): LoginGuards {
  return { limits: createLoginLimits(clock), gate: createHashGate() }
}
