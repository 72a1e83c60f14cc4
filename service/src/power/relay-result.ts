import type { RelayConfig } from '../config/types.js'
import { HallError } from '../errors.js'
import type { SshCommandResult } from './ssh.js'

/** A relay command that ran but failed is an error for wake and shutdown: the machine was not reached. */
export function requireSuccess (what: string, relay: RelayConfig, result: SshCommandResult): SshCommandResult {
  if (result.exitCode === 0) return result
  const firstLine = result.stderr.split('\n').find(l => l.trim() !== '')?.trim() ?? '(no stderr)'
  const status = result.exitCode !== null ? `exit code ${result.exitCode}` : `signal ${result.exitSignal ?? 'unknown'}`
  throw new HallError('HALL_ERR_SSH_EXIT_STATUS', `${what} command on relay "${relay.name}" failed with ${status}: ${firstLine}`,
    { exitCode: result.exitCode, exitSignal: result.exitSignal, stderr: result.stderr })
}
