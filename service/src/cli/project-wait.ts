import { setTimeout as delay } from 'node:timers/promises'
import { projectDetailSchema, type ProjectDetail } from '../contract/projects.js'
import { HallError } from '../errors.js'
import type { HallAnswer } from './api-client.js'

/** How a pod operation ended, as far as the CLI waited to see. */
export type Settled =
  | { readonly kind: 'ready' | 'error', readonly project: ProjectDetail }
  | { readonly kind: 'removed' }
  /** Still under way when the time was up: a wake or a long image pull. */
  | { readonly kind: 'still-running', readonly project: ProjectDetail }

/** First poll soon (a pod on an awake server plays in about a second), then less often. */
const FIRST_POLL_MS = 200
const MAX_POLL_MS = 2000

/**
 * Polls GET /api/projects/NAME until the project is no longer provisioning or removing (or is
 * gone, once removed), or `timeoutMs` has passed. `get` is one call to the running Hall.
 */
export async function waitForProject (get: (path: string) => Promise<HallAnswer>, name: string, timeoutMs: number): Promise<Settled> {
  const path = `/api/projects/${encodeURIComponent(name)}`
  const deadline = Date.now() + timeoutMs
  let pause = FIRST_POLL_MS
  for (;;) {
    const answer = await get(path)
    if (answer.status === 404) return { kind: 'removed' }
    const project = parseDetail(path, answer)
    if (project.status === 'ready' || project.status === 'error') return { kind: project.status, project }
    const left = deadline - Date.now()
    if (left <= 0) return { kind: 'still-running', project }
    await delay(Math.min(pause, left))
    pause = Math.min(MAX_POLL_MS, Math.round(pause * 1.5))
  }
}

function parseDetail (path: string, answer: HallAnswer): ProjectDetail {
  const body = answer.body as { error?: unknown, message?: unknown } | null
  if (answer.status !== 200) {
    throw new HallError('HALL_ERR_CLI_RESPONSE', `GET ${path} answered ${answer.status} while waiting: ${String(body?.error ?? '')} ${String(body?.message ?? '')}`.trimEnd())
  }
  const parsed = projectDetailSchema.safeParse(answer.body)
  if (!parsed.success) {
    throw new HallError('HALL_ERR_CLI_RESPONSE', `GET ${path} answered a project this CLI does not understand (is Hall the same version as the CLI?): ${parsed.error.issues[0]?.message ?? ''}`)
  }
  return parsed.data
}
