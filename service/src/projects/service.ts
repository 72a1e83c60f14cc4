import type { Clock } from '../clock.js'
import type { HallConfig, ProjectHosting } from '../config/types.js'
import { HallError, isHallError } from '../errors.js'
import type { Fleet } from '../lifecycle/fleet.js'
import type { Accounts, EventLevel, Events, RequestedBy } from '../store/index.js'
import type { OperationAction, ProjectOperations } from '../store/project-operations.js'
import { whenAwake } from './awake.js'
import { parsePemCertificate } from './certificate.js'
import type { ProjectDirectory } from './directory.js'
import { checkProject } from './rules.js'
import { podmanFailureReason } from './podman.js'
import { parseProjectSpec, specInput } from './spec.js'
import type { Project, ProjectCertificate, ProjectSpec } from './types.js'

/** How a pod is played and taken down on its server (podman.ts over SSH; tests may stand in). */
export interface PodRunner {
  apply (project: ProjectSpec, hosting: ProjectHosting): Promise<PodOutcome>
  remove (project: ProjectSpec, hosting: ProjectHosting): Promise<PodOutcome>
}
export interface PodOutcome { readonly command: string, readonly exitCode: number | null, readonly stderr: string, readonly stdout: string, readonly durationMs: number }

export interface ProjectServiceDeps {
  readonly directory: ProjectDirectory
  readonly operations: ProjectOperations
  readonly store: { readonly events: Events, readonly accounts: Pick<Accounts, 'find'>, readonly requestedBy: RequestedBy }
  readonly fleet: Fleet
  /** domains.json as loaded, without the projects. */
  readonly fileConfig: () => HallConfig
  readonly pods: PodRunner
  readonly clock: Clock
  readonly publicHost: string
  readonly cookieDomain: string | null
  readonly log: { error (obj: object, msg: string): void }
}

/** Changes that touch the pod itself; the others (client, host, access) apply at the gate alone. */
const POD_FIELDS = ['port', 'containerPort', 'image', 'allocation'] as const

/**
 * Creating, editing and removing projects: the checks, the records, and the pod played on its
 * server beside the request (waking the server first). A project is written with its status at
 * every step, so a failure leaves it in `error` with the reason, never half-recorded.
 */
export function createProjectService (deps: ProjectServiceDeps) {
  const { directory, operations, store, clock } = deps
  const running = new Map<string, Promise<void>>()

  function record (kind: string, project: Project | ProjectSpec, message: string, level: EventLevel = 'info', details: object = {}): void {
    try {
      store.events.record({ at: clock.now(), level, server: project.server, kind, message, details: { project: project.name, ...details } })
    } catch (err) {
      deps.log.error({ err }, 'could not record a project change')
    }
  }

  function existing (name: string): Project {
    const p = directory.get(name)
    if (p === undefined) throw new HallError('HALL_ERR_PROJECT_UNKNOWN', `no project named "${name}"`)
    return p
  }

  function idle (name: string): Project {
    const p = existing(name)
    if (running.has(p.name)) throw new HallError('HALL_ERR_PROJECT_BUSY', `project ${p.name} is being ${p.status === 'removing' ? 'removed' : 'provisioned'}: wait for it to finish`)
    return p
  }

  function check (spec: ProjectSpec, except: Project | null): void {
    checkProject(spec, {
      config: deps.fileConfig(),
      others: directory.list().filter(p => p.id !== except?.id),
      publicHost: deps.publicHost,
      cookieDomain: deps.cookieDomain
    })
  }

  function setStatus (p: Project, status: Project['status'], reason: string | null): Project {
    const next = { ...p, status, statusReason: reason }
    directory.put(next, 'update')
    return next
  }

  /** Runs the pod command once the server is up; the project ends `ready`, removed, or in `error`. */
  function operate (p: Project, action: OperationAction, by: string, force = false): void {
    const id = operations.begin({ project: p.name, action, requestedAt: clock.now(), requestedBy: by })
    const work = (async () => {
      let wakeId: number | null = null
      // a failed command is recorded with its exit code and stderr: the catch below must not overwrite them
      let recorded = false
      try {
        const hosting = deps.fileConfig().servers.get(p.server)?.projects
        if (hosting == null) throw new HallError('HALL_ERR_PROJECT_INVALID', `server ${p.server} no longer hosts projects`)
        wakeId = await whenAwake(deps.fleet, p.server, clock, wake => store.requestedBy.wake(wake, by))
        operations.start(id, clock.now(), wakeId)
        const outcome = action === 'play' ? await deps.pods.apply(p, hosting) : await deps.pods.remove(p, hosting)
        const failed = outcome.exitCode !== 0
        operations.finish(id, { at: clock.now(), outcome: failed ? 'failed' : 'done', exitCode: outcome.exitCode, stderr: outcome.stderr || null, errorMessage: failed ? podmanFailureReason(outcome) : null })
        recorded = true
        if (failed) throw new HallError('HALL_ERR_PROJECT_CONFLICT', podmanFailureReason(outcome))
        finished(p.name, action, by, null)
      } catch (err) {
        const message = (err as Error).message
        if (!isHallError(err)) deps.log.error({ err, project: p.name }, 'project operation failed')
        if (!recorded) operations.finish(id, { at: clock.now(), outcome: 'failed', exitCode: null, stderr: null, errorMessage: message })
        if (force && action === 'down') finished(p.name, action, by, message)
        else failedWith(p.name, action, message)
      }
    })()
    running.set(p.name, work)
    void work.finally(() => { if (running.get(p.name) === work) running.delete(p.name) })
  }

  function finished (name: string, action: OperationAction, by: string, forcedPast: string | null): void {
    const p = directory.get(name)
    if (p === undefined) return
    if (action === 'play') {
      record('project-ready', setStatus(p, 'ready', null), `project ${p.name}: pod played on ${p.server}`)
      return
    }
    directory.remove(p.name)
    record('project-removed', p, forcedPast === null
      ? `project ${p.name} removed by ${by}: pod taken down on ${p.server}`
      : `project ${p.name} removed by ${by} without its pod being taken down (${forcedPast})`, forcedPast === null ? 'info' : 'warn', { by })
  }

  function failedWith (name: string, action: OperationAction, message: string): void {
    const p = directory.get(name)
    if (p === undefined) return
    const reason = `${action === 'play' ? 'podman kube play' : 'podman kube down'} did not complete: ${message}`
    record('project-failed', setStatus(p, 'error', reason), `project ${p.name}: ${reason}`, 'error')
  }

  return {
    list: () => directory.list(),
    get: (name: string) => directory.get(name),
    /** The client accounts that may reach the project. */
    members: (name: string) => directory.members(name),
    /** Its certificates, revoked ones included. */
    certificates: (name: string) => directory.certificates(name),
    /** Checks and records the project, then plays its pod beside the request. */
    create (input: unknown, by: string): Project {
      const spec = parseProjectSpec(input)
      check(spec, null)
      const now = clock.now()
      const project: Project = { ...spec, id: directory.nextId(), status: 'provisioning', statusReason: null, createdAt: now, createdBy: by, updatedAt: now, updatedBy: by }
      directory.put(project, 'insert')
      record('project-created', project, `project ${project.name} for ${project.client} created by ${by} on ${project.server}`, 'info', { by })
      operate(project, 'play', by)
      return project
    },
    /** `changes`: the fields to change, in the API's words; name and server stay (remove and add to move a project). */
    edit (name: string, changes: Record<string, unknown>, by: string): Project {
      const before = idle(name)
      const merged = { ...specInput(before), ...changes }
      if (merged.name !== before.name) throw new HallError('HALL_ERR_PROJECT_INVALID', 'name: a project cannot be renamed (its pod is named after it): remove it and add it again')
      if (merged.server !== before.server) throw new HallError('HALL_ERR_PROJECT_INVALID', 'server: a project cannot move to another server: remove it and add it again there')
      const spec = parseProjectSpec(merged)
      check(spec, before)
      const replay = before.status === 'error' || POD_FIELDS.some(f => JSON.stringify(spec[f]) !== JSON.stringify(before[f]))
      const next: Project = { ...before, ...spec, status: replay ? 'provisioning' : before.status, statusReason: replay ? null : before.statusReason, updatedAt: clock.now(), updatedBy: by }
      directory.put(next, 'update')
      record('project-changed', next, `project ${next.name} changed by ${by}${replay ? ': its pod is played again' : ''}`, 'info', { by, changes: Object.keys(changes) })
      if (replay) operate(next, 'play', by)
      return next
    },
    /** Takes the pod down, then forgets the project; `force` forgets it even when the server cannot. */
    remove (name: string, by: string, options: { force?: boolean } = {}): Project {
      const p = setStatus(idle(name), 'removing', null)
      record('project-removing', p, `project ${p.name}: removal asked by ${by}`, 'info', { by })
      operate(p, 'down', by, options.force === true)
      return p
    },
    addMember (project: string, account: string, by: string): void {
      const p = existing(project)
      const user = store.accounts.find(account)
      if (user === null) throw new HallError('HALL_ERR_ACCOUNT_UNKNOWN', `no account named "${account}"`)
      if (user.role !== 'client') throw new HallError('HALL_ERR_PROJECT_INVALID', `${user.name} is ${user.role === 'admin' ? 'an admin' : 'a viewer'}, not a client account: admins reach every project already`)
      directory.addMember(p.name, { id: user.id, name: user.name })
      record('project-member-added', p, `${user.name} may now reach project ${p.name} (by ${by})`, 'info', { by, account: user.name })
    },
    removeMember (project: string, account: string, by: string): void {
      const p = existing(project)
      const member = directory.members(p.name).find(m => m.userName.toLowerCase() === account.toLowerCase())
      if (member === undefined) throw new HallError('HALL_ERR_ACCOUNT_UNKNOWN', `${account} is not a member of project ${p.name}`)
      directory.removeMember(p.name, member.userId)
      record('project-member-removed', p, `${member.userName} may no longer reach project ${p.name} (by ${by})`, 'info', { by, account: member.userName })
    },
    addCertificate (project: string, pem: string, by: string): ProjectCertificate {
      const p = existing(project)
      const parsed = parsePemCertificate(pem)
      if (directory.certificates(p.name).some(c => c.fingerprint === parsed.fingerprint && c.revokedAt === null)) {
        throw new HallError('HALL_ERR_PROJECT_CONFLICT', 'this certificate is already registered for the project')
      }
      const cert: ProjectCertificate = { id: directory.nextCertificateId(), project: p.name, ...parsed, addedAt: clock.now(), addedBy: by, revokedAt: null, revokedBy: null }
      directory.addCertificate(cert)
      record('project-certificate-added', p, `certificate "${cert.subject}" registered for project ${p.name} by ${by}`, 'info', { by, fingerprint: cert.fingerprint })
      return cert
    },
    revokeCertificate (project: string, id: number, by: string): ProjectCertificate {
      const p = existing(project)
      const found = directory.certificates(p.name).find(c => c.id === id)
      const revoked = found === undefined ? null : directory.revokeCertificate(id, clock.now(), by)
      if (revoked === null) throw new HallError('HALL_ERR_PROJECT_UNKNOWN', `project ${p.name} has no certificate ${id} in force`)
      record('project-certificate-revoked', p, `certificate "${revoked.subject}" of project ${p.name} revoked by ${by}`, 'info', { by, fingerprint: revoked.fingerprint })
      return revoked
    },
    recentOperations: (name: string, limit = 10) => operations.recent(name, limit),
    /** Settles once no pod operation runs (tests, a clean stop). */
    async settled (): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running.values()])
    },
    /** At start: what a crash cut short is closed as failed, and its project shows it. */
    recoverInterrupted (): void {
      operations.closeOpen(clock.now())
      for (const p of directory.list()) {
        if (p.status === 'provisioning' || p.status === 'removing') {
          setStatus(p, 'error', `Hall stopped while the pod was being ${p.status === 'removing' ? 'taken down' : 'played'}: check it, then edit or remove the project`)
        }
      }
    }
  }
}

export type ProjectService = ReturnType<typeof createProjectService>
