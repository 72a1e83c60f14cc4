import type { ProjectHosting } from '../config/types.js'
import { runSshCommand } from '../power/ssh.js'
import { renderPodYaml } from './pod-yaml.js'
import type { ProjectSpec } from './types.js'

/** The pod YAML goes on stdin (`-`): nothing an admin typed is ever part of the command line. */
export const PLAY_COMMAND = 'podman kube play --replace -'
export const DOWN_COMMAND = 'podman kube down -'

/** How one podman command ended on the project's server. A non-zero exit is an outcome, not an error. */
export interface PodmanOutcome {
  readonly command: string
  /** Null when the command ended without one (killed by a signal). */
  readonly exitCode: number | null
  /** Each cut to its first 1.5 KiB and last 2 KiB by the SSH layer. */
  readonly stderr: string
  readonly stdout: string
  readonly durationMs: number
}

export interface Podman {
  /** Creates the project's pod, or replaces it with the current spec (an edit re-plays it). */
  apply (project: ProjectSpec, hosting: ProjectHosting, signal?: AbortSignal): Promise<PodmanOutcome>
  /** Stops and removes the pod `apply` made; podman finds it by the name in the same YAML. */
  remove (project: ProjectSpec, hosting: ProjectHosting, signal?: AbortSignal): Promise<PodmanOutcome>
}

/**
 * Plays projects' pods on their servers through the hosting relay (host key pinned, whole-command
 * deadline). Throws what the SSH layer throws (HallError HALL_ERR_SSH_*) when the command could
 * not run or finish, and a TypeError, before connecting, for a spec that cannot make a pod.
 */
export function createPodman (deps: { run?: typeof runSshCommand } = {}): Podman {
  const run = deps.run ?? runSshCommand
  const perform = async (command: string, project: ProjectSpec, hosting: ProjectHosting, signal?: AbortSignal): Promise<PodmanOutcome> => {
    const stdin = renderPodYaml(project)
    const result = await run(hosting.relay, command, signal === undefined ? { stdin } : { signal, stdin })
    return { command, exitCode: result.exitCode, stderr: result.stderr, stdout: result.stdout, durationMs: result.durationMs }
  }
  return {
    apply: async (project, hosting, signal) => await perform(PLAY_COMMAND, project, hosting, signal),
    remove: async (project, hosting, signal) => await perform(DOWN_COMMAND, project, hosting, signal)
  }
}

const REASON_LINE_LIMIT = 300

/**
 * One line saying why a podman command failed, for a project's status:
 * "podman kube play exited 125: short-name resolution enforced but cannot prompt without a TTY".
 * podman writes pull progress to stderr before its "Error: ..." line, so that line wins when
 * present; otherwise the first line with text.
 */
export function podmanFailureReason (outcome: PodmanOutcome): string {
  const words = outcome.command.split(' ')
  const flagAt = words.findIndex(w => w.startsWith('-'))
  const verb = (flagAt === -1 ? words : words.slice(0, flagAt)).join(' ')
  const how = outcome.exitCode === null ? `${verb} ended without an exit code` : `${verb} exited ${outcome.exitCode}`
  const line = explanationIn(outcome.stderr) ?? explanationIn(outcome.stdout)
  return line === null ? `${how}, saying nothing` : `${how}: ${line}`
}

function explanationIn (output: string): string | null {
  // control characters and runs of blanks become one space: a reason is one line of plain text wherever it is shown
  const lines = output.split(/\r?\n|\r/).map(l => l.replace(/[\p{Cc}\s]+/gu, ' ').trim()).filter(l => l !== '')
  const errorLine = [...lines].reverse().find(l => l.startsWith('Error: '))
  const chosen = errorLine?.slice('Error: '.length) ?? lines[0]
  if (chosen === undefined) return null
  return chosen.length > REASON_LINE_LIMIT ? chosen.slice(0, REASON_LINE_LIMIT - 1) + '…' : chosen
}
