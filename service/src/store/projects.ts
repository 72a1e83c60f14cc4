import type Database from 'better-sqlite3'
import { accessModes, projectStatuses, type AccessMode, type Project, type ProjectStatus } from '../projects/types.js'
import { idAllocator } from './allocated-ids.js'
import { directWrites, type Writes } from './write-queue.js'

/** A client account's right to a project, as the gate and the portal read it. */
export interface ProjectMember { readonly project: string, readonly userId: number, readonly userName: string }

export interface Projects {
  /** Every project, by name: loaded once into memory (projects/directory.ts), which every later read uses. */
  all (): Project[]
  /** The id for a project about to be inserted (handed out in memory: its INSERT may wait in the queue). */
  nextId (): number
  insert (p: Project): void
  /** Replaces every field of the row with this id. */
  update (p: Project): void
  remove (id: number): void
  members (): ProjectMember[]
  /** Idempotent. */
  addMember (projectId: number, userId: number): void
  removeMember (projectId: number, userId: number): void
  /** Changes whenever another connection (`hall user` in a shell) commits: PRAGMA data_version. */
  changeMark (): number
}

interface ProjectRow {
  id: number,
  name: string,
  client: string,
  host: string,
  server: string,
  port: number,
  containerPort: number,
  image: string,
  cpu: number,
  memoryMib: number,
  diskGib: number,
  access: string,
  status: string,
  statusReason: string | null,
  createdAt: number,
  createdBy: string,
  updatedAt: number,
  updatedBy: string
}

const columns = `id, name, client, host, server, port, container_port AS containerPort, image, cpu, memory_mib AS memoryMib,
  disk_gib AS diskGib, access, status, status_reason AS statusReason, created_at AS createdAt, created_by AS createdBy,
  updated_at AS updatedAt, updated_by AS updatedBy`

/** The `projects` and `project_members` tables; every write through `writes` (a running Hall's queue). */
export function createProjects (db: Database.Database, writes: Writes = directWrites): Projects {
  const selectAll = db.prepare<[], ProjectRow>(`SELECT ${columns} FROM projects ORDER BY name`)
  const insert = db.prepare(`INSERT INTO projects (id, name, client, host, server, port, container_port, image, cpu, memory_mib,
    disk_gib, access, status, status_reason, created_at, created_by, updated_at, updated_by)
    VALUES (@id, @name, @client, @host, @server, @port, @containerPort, @image, @cpu, @memoryMib, @diskGib, @access, @status,
    @statusReason, @createdAt, @createdBy, @updatedAt, @updatedBy)`)
  const update = db.prepare(`UPDATE projects SET name = @name, client = @client, host = @host, server = @server, port = @port,
    container_port = @containerPort, image = @image, cpu = @cpu, memory_mib = @memoryMib, disk_gib = @diskGib, access = @access,
    status = @status, status_reason = @statusReason, updated_at = @updatedAt, updated_by = @updatedBy WHERE id = @id`)
  const deleteOne = db.prepare<[number]>('DELETE FROM projects WHERE id = ?')
  const selectMembers = db.prepare<[], ProjectMember>(`
    SELECT p.name AS project, u.id AS userId, u.name AS userName
    FROM project_members m JOIN projects p ON p.id = m.project_id JOIN users u ON u.id = m.user_id ORDER BY p.name, u.name`)
  const insertMember = db.prepare<[number, number]>('INSERT OR IGNORE INTO project_members (project_id, user_id) VALUES (?, ?)')
  const deleteMember = db.prepare<[number, number]>('DELETE FROM project_members WHERE project_id = ? AND user_id = ?')
  const nextId = idAllocator(db, 'projects')

  return {
    all: () => selectAll.all().map(fromRow),
    nextId,
    insert (p) { writes.run('projects.insert', () => insert.run(toRow(p))) },
    update (p) { writes.run('projects.update', () => update.run(toRow(p)), `projects ${p.id}`) },
    remove (id) { writes.run('projects.remove', () => deleteOne.run(id)) },
    members: () => selectMembers.all(),
    addMember (projectId, userId) { writes.run('projects.addMember', () => insertMember.run(projectId, userId)) },
    removeMember (projectId, userId) { writes.run('projects.removeMember', () => deleteMember.run(projectId, userId)) },
    changeMark: () => db.pragma('data_version', { simple: true }) as number
  }
}

function toRow (p: Project): Record<string, unknown> {
  const { allocation, ...rest } = p
  return { ...rest, cpu: allocation.cpu, memoryMib: allocation.memoryMib, diskGib: allocation.diskGib }
}

// migration 7's CHECKs hold the columns to these lists; anything else reads as the safest value
function fromRow (row: ProjectRow): Project {
  const { cpu, memoryMib, diskGib, access, status, ...rest } = row
  return {
    ...rest,
    allocation: { cpu, memoryMib, diskGib },
    access: (accessModes as readonly string[]).includes(access) ? access as AccessMode : 'certificate',
    status: (projectStatuses as readonly string[]).includes(status) ? status as ProjectStatus : 'error'
  }
}
