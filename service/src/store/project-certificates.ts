import type Database from 'better-sqlite3'
import type { ProjectCertificate } from '../projects/types.js'
import { idAllocator } from './allocated-ids.js'
import { directWrites, type Writes } from './write-queue.js'

export interface ProjectCertificates {
  /** Revoked ones included: the admin page lists them. Loaded into memory once; the gate reads that copy. */
  all (): ProjectCertificate[]
  nextId (): number
  insert (c: ProjectCertificate & { readonly projectId: number }): void
  revoke (id: number, at: number, by: string): void
}

interface CertificateRow extends Omit<ProjectCertificate, 'project'> { project: string }

/** The `project_certificates` table; rows leave only with their project. */
export function createProjectCertificates (db: Database.Database, writes: Writes = directWrites): ProjectCertificates {
  const selectAll = db.prepare<[], CertificateRow>(`
    SELECT c.id, p.name AS project, c.fingerprint, c.subject, c.not_after AS notAfter, c.added_at AS addedAt,
      c.added_by AS addedBy, c.revoked_at AS revokedAt, c.revoked_by AS revokedBy
    FROM project_certificates c JOIN projects p ON p.id = c.project_id ORDER BY c.id`)
  const insert = db.prepare(`INSERT INTO project_certificates (id, project_id, fingerprint, subject, not_after, added_at, added_by)
    VALUES (@id, @projectId, @fingerprint, @subject, @notAfter, @addedAt, @addedBy)`)
  const revoke = db.prepare<[number, string, number]>('UPDATE project_certificates SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL')
  const nextId = idAllocator(db, 'project_certificates')
  return {
    all: () => selectAll.all(),
    nextId,
    insert (c) {
      const { id, projectId, fingerprint, subject, notAfter, addedAt, addedBy } = c
      writes.run('projectCertificates.insert', () => insert.run({ id, projectId, fingerprint, subject, notAfter, addedAt, addedBy }))
    },
    revoke (id, at, by) { writes.run('projectCertificates.revoke', () => revoke.run(at, by, id)) }
  }
}
