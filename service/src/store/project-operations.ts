import type Database from 'better-sqlite3'
import { idAllocator } from './allocated-ids.js'
import { directWrites, type Writes } from './write-queue.js'

export type OperationAction = 'play' | 'down'
export type OperationOutcome = 'pending' | 'done' | 'failed'

/** One `podman kube play` or `down` on a project's server, kept as wakes are: who, when, how it ended. */
export interface ProjectOperation {
  readonly id: number
  readonly project: string
  readonly action: OperationAction
  readonly requestedAt: number
  readonly requestedBy: string
  readonly wakeId: number | null
  readonly startedAt: number | null
  readonly finishedAt: number | null
  readonly outcome: OperationOutcome
  readonly exitCode: number | null
  readonly stderr: string | null
  readonly errorMessage: string | null
}

export interface OperationEnd { at: number, outcome: 'done' | 'failed', exitCode: number | null, stderr: string | null, errorMessage: string | null }

export interface ProjectOperations {
  /** Returns the new operation's id, handed out in memory. */
  begin (op: { project: string, action: OperationAction, requestedAt: number, requestedBy: string }): number
  /** The server is up and the command is about to run; `wakeId`: the wake it waited for, if any. */
  start (id: number, at: number, wakeId: number | null): void
  finish (id: number, end: OperationEnd): void
  /** Newest first. */
  recent (project: string, limit: number): ProjectOperation[]
  /** Operations a crash left open: closed as failed at start, since nobody knows how they ended. */
  closeOpen (at: number): void
}

export function createProjectOperations (db: Database.Database, writes: Writes = directWrites): ProjectOperations {
  const insert = db.prepare<[number, string, string, number, string]>(
    'INSERT INTO project_operations (id, project, action, requested_at, requested_by) VALUES (?, ?, ?, ?, ?)')
  const start = db.prepare<[number, number | null, number]>('UPDATE project_operations SET started_at = ?, wake_id = ? WHERE id = ?')
  const finish = db.prepare(`UPDATE project_operations SET finished_at = @at, outcome = @outcome, exit_code = @exitCode,
    stderr = @stderr, error_message = @errorMessage WHERE id = @id`)
  const selectRecent = db.prepare<[string, number], ProjectOperation>(`
    SELECT id, project, action, requested_at AS requestedAt, requested_by AS requestedBy, wake_id AS wakeId, started_at AS startedAt,
      finished_at AS finishedAt, outcome, exit_code AS exitCode, stderr, error_message AS errorMessage
    FROM project_operations WHERE project = ? ORDER BY requested_at DESC, id DESC LIMIT ?`)
  const closeOpen = db.prepare<[number]>(`UPDATE project_operations SET finished_at = ?, outcome = 'failed',
    error_message = 'Hall stopped before the operation ended: check the pod on its server' WHERE outcome = 'pending'`)
  const nextId = idAllocator(db, 'project_operations')
  return {
    begin (op) {
      const id = nextId()
      writes.run('projectOperations.begin', () => insert.run(id, op.project, op.action, op.requestedAt, op.requestedBy))
      return id
    },
    start (id, at, wakeId) { writes.run('projectOperations.start', () => start.run(at, wakeId, id)) },
    finish (id, end) { writes.run('projectOperations.finish', () => finish.run({ id, ...end })) },
    recent: (project, limit) => selectRecent.all(project, limit),
    closeOpen (at) { writes.run('projectOperations.closeOpen', () => closeOpen.run(at)) }
  }
}
