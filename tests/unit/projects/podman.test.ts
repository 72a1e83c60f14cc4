import assert from 'node:assert/strict'
import { test } from 'node:test'
import { podmanFailureReason, type PodmanOutcome } from '../../../service/src/projects/podman.js'

const play = (exitCode: number | null, stderr: string, stdout = ''): PodmanOutcome =>
  ({ command: 'podman kube play --replace -', exitCode, stderr, stdout, durationMs: 900 })

const cases = [
  {
    name: "podman's Error line, after its pull progress",
    outcome: play(125, 'Trying to pull docker.io/library/nginx:1.27...\nGetting image source signatures\nError: reading manifest 1.27 in docker.io/library/nginx: manifest unknown\n'),
    reason: 'podman kube play exited 125: reading manifest 1.27 in docker.io/library/nginx: manifest unknown'
  },
  {
    name: 'the last Error line when there are several',
    outcome: play(125, 'Error: first\nError: the one that ended it\n'),
    reason: 'podman kube play exited 125: the one that ended it'
  },
  {
    name: 'the first line with text without an Error line',
    outcome: play(1, '\n  sh: podman: not found  \nsecond line\n'),
    reason: 'podman kube play exited 1: sh: podman: not found'
  },
  {
    name: 'stdout when stderr is empty',
    outcome: play(2, '', 'something on stdout\n'),
    reason: 'podman kube play exited 2: something on stdout'
  },
  {
    name: 'nothing said at all',
    outcome: play(125, '\n \n'),
    reason: 'podman kube play exited 125, saying nothing'
  },
  {
    name: 'no exit code (killed by a signal)',
    outcome: play(null, 'Error: interrupted\n'),
    reason: 'podman kube play ended without an exit code: interrupted'
  },
  {
    name: 'kube down',
    outcome: { ...play(125, 'Error: no pod with name or ID hall-acme found\n'), command: 'podman kube down -' },
    reason: 'podman kube down exited 125: no pod with name or ID hall-acme found'
  },
  {
    name: 'control characters and a carriage return kept on one line',
    outcome: play(125, 'Error: bad\u001b[31m red\u0007 text\rnext\n'),
    reason: 'podman kube play exited 125: bad [31m red text'
  }
]
for (const c of cases) {
  test(`podman failure reason: ${c.name}`, () => assert.equal(podmanFailureReason(c.outcome), c.reason))
}

test('podman failure reason: a long line is cut to 300 characters', () => {
  const reason = podmanFailureReason(play(125, `Error: ${'x'.repeat(1000)}\n`))
  assert.equal(reason, `podman kube play exited 125: ${'x'.repeat(299)}…`)
})
