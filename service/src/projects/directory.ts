import type { ProjectCertificates } from '../store/project-certificates.js'
import type { ProjectMember, Projects } from '../store/projects.js'
import type { Project, ProjectCertificate } from './types.js'

/** What the gate needs of one project, kept ready for the forward-auth path. */
export interface ProjectGateEntry {
  readonly project: Project
  /** Client accounts (user ids) that may pass a members project. */
  readonly memberIds: ReadonlySet<number>
  /** Certificates not revoked: their raw SHA-256 digests and when each expires. */
  readonly certificates: ReadonlyArray<{ readonly digest: Buffer, readonly notAfter: number }>
}

export type DirectoryListener = () => void

/**
 * Every project, its clients and its certificates, in memory: loaded once, then changed here and
 * in the store together, so no request ever reads the database. Memberships another process
 * changes (`hall user add --project`) are noticed through SQLite's data_version.
 */
export interface ProjectDirectory {
  list (): readonly Project[]
  get (name: string): Project | undefined
  /** In memory only: safe on the forward-auth path. */
  gate (name: string): ProjectGateEntry | undefined
  members (name: string): readonly ProjectMember[]
  /** The projects a client account may reach, by name. */
  projectsOf (userId: number): readonly Project[]
  certificates (name: string): readonly ProjectCertificate[]
  /** Ids for new rows, handed out in memory (their INSERT may wait in the write queue). */
  nextId (): number
  nextCertificateId (): number
  /** Adds or replaces a project (by id) here and in the store. */
  put (project: Project, change: 'insert' | 'update'): void
  remove (name: string): void
  addMember (project: string, user: { id: number, name: string }): void
  removeMember (project: string, userId: number): void
  addCertificate (c: ProjectCertificate): void
  revokeCertificate (id: number, at: number, by: string): ProjectCertificate | null
  /** Re-reads the memberships when another process committed since the last look. */
  refreshIfChangedElsewhere (pendingWrites: number): void
  /** Called after every change (projects, members, certificates). */
  subscribe (listener: DirectoryListener): () => void
}

export interface DirectoryStore {
  readonly projects: Projects
  readonly certificates: ProjectCertificates
}

export function createProjectDirectory (store: DirectoryStore): ProjectDirectory {
  const projects = new Map<string, Project>()
  let members: ProjectMember[] = []
  let certificates: ProjectCertificate[] = []
  const gates = new Map<string, ProjectGateEntry>()
  const listeners = new Set<DirectoryListener>()
  let mark = store.projects.changeMark()

  for (const p of store.projects.all()) projects.set(key(p.name), p)
  members = store.projects.members()
  certificates = store.certificates.all()
  rebuild()

  function key (name: string): string { return name.toLowerCase() }

  /** The gate's view is rebuilt whole after a change: changes are rare, reads are every request. */
  function rebuild (): void {
    gates.clear()
    for (const p of projects.values()) {
      const memberIds = new Set(members.filter(m => key(m.project) === key(p.name)).map(m => m.userId))
      const certs = certificates.filter(c => key(c.project) === key(p.name) && c.revokedAt === null)
        .map(c => ({ digest: Buffer.from(c.fingerprint, 'hex'), notAfter: c.notAfter }))
      gates.set(key(p.name), { project: p, memberIds, certificates: certs })
    }
    for (const listener of listeners) listener()
  }

  function required (name: string): Project {
    const p = projects.get(key(name))
    if (p === undefined) throw new Error(`no project named "${name}"`)
    return p
  }

  return {
    list: () => [...projects.values()].sort((a, b) => a.name.localeCompare(b.name)),
    get: (name) => projects.get(key(name)),
    gate: (name) => gates.get(key(name)),
    members: (name) => members.filter(m => key(m.project) === key(name)),
    projectsOf (userId) {
      const names = new Set(members.filter(m => m.userId === userId).map(m => key(m.project)))
      return [...projects.values()].filter(p => names.has(key(p.name))).sort((a, b) => a.name.localeCompare(b.name))
    },
    certificates: (name) => certificates.filter(c => key(c.project) === key(name)),
    nextId: () => store.projects.nextId(),
    nextCertificateId: () => store.certificates.nextId(),
    put (project, change) {
      const before = [...projects.values()].find(p => p.id === project.id)
      if (before !== undefined) projects.delete(key(before.name))
      projects.set(key(project.name), project)
      if (change === 'insert') store.projects.insert(project)
      else store.projects.update(project)
      // a renamed project keeps its clients and certificates (they hang on its id in the store)
      if (before !== undefined && before.name !== project.name) {
        members = members.map(m => key(m.project) === key(before.name) ? { ...m, project: project.name } : m)
        certificates = certificates.map(c => key(c.project) === key(before.name) ? { ...c, project: project.name } : c)
      }
      rebuild()
    },
    remove (name) {
      const p = required(name)
      projects.delete(key(name))
      members = members.filter(m => key(m.project) !== key(name))
      certificates = certificates.filter(c => key(c.project) !== key(name))
      store.projects.remove(p.id)
      rebuild()
    },
    addMember (project, user) {
      const p = required(project)
      if (members.some(m => key(m.project) === key(project) && m.userId === user.id)) return
      members = [...members, { project: p.name, userId: user.id, userName: user.name }]
      store.projects.addMember(p.id, user.id)
      rebuild()
    },
    removeMember (project, userId) {
      const p = required(project)
      members = members.filter(m => !(key(m.project) === key(project) && m.userId === userId))
      store.projects.removeMember(p.id, userId)
      rebuild()
    },
    addCertificate (c) {
      const p = required(c.project)
      certificates = [...certificates, c]
      store.certificates.insert({ ...c, projectId: p.id })
      rebuild()
    },
    revokeCertificate (id, at, by) {
      const found = certificates.find(c => c.id === id && c.revokedAt === null)
      if (found === undefined) return null
      const revoked = { ...found, revokedAt: at, revokedBy: by }
      certificates = certificates.map(c => c.id === id ? revoked : c)
      store.certificates.revoke(id, at, by)
      rebuild()
      return revoked
    },
    refreshIfChangedElsewhere (pendingWrites) {
      const now = store.projects.changeMark()
      if (now === mark || pendingWrites > 0) return // our own queued writes first; next round
      mark = now
      members = store.projects.members()
      rebuild()
    },
    subscribe (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    }
  }
}
