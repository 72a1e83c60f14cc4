import type Database from 'better-sqlite3'
import { systemClock, type Clock } from '../clock.js'
import { openStore } from './db.js'
import { createServerStates, type ServerStates } from './server-states.js'
import { createTransitions, type Transitions } from './transitions.js'
import { createWakes, type Wakes } from './wakes.js'
import { createEvents, type Events } from './events.js'
import { createActivity, type Activity } from './activity.js'
import { createShutdowns, type Shutdowns } from './shutdowns.js'
import { createApiKeys, type ApiKeys } from './api-keys.js'
import { pruneOlderThan, type PruneResult } from './prune.js'
import { createAccounts, type Accounts } from './accounts.js'
import { createSessions, type Sessions } from './sessions.js'
import { createSettings, type Settings } from './settings.js'
import { createRequestedBy, type RequestedBy } from './requested-by.js'
import { createUptime, type Uptime } from './uptime.js'
import { createEnergyFacts, type EnergyFactsReader } from './energy-facts.js'
import { createWriteQueue, isBusy, type StoreLog, type WriteQueue } from './write-queue.js'
import { createProjects, type Projects } from './projects.js'
import { createProjectCertificates, type ProjectCertificates } from './project-certificates.js'
import { createProjectOperations, type ProjectOperations } from './project-operations.js'

export type { PersistedServerState, ServerStates } from './server-states.js'
export type { TransitionInput, TransitionRecord, Transitions } from './transitions.js'
export type { WakeRecord, Wakes } from './wakes.js'
export type { EventLevel, EventInput, EventRecord, Events } from './events.js'
export type { ActivityRow, Activity, NavigationCounts } from './activity.js'
export { UPTIME_BEAT_MS, type Uptime, type UptimeRun } from './uptime.js'
export type { EnergyFactsReader, StoredPhaseChange, StoredWakeFact } from './energy-facts.js'
export type { ShutdownRecord, Shutdowns } from './shutdowns.js'
export { apiKeyActions, isInScope, parseApiKeyScopes, type ApiKeyAction, type ApiKeyRecord, type ApiKeyScopes, type ApiKeys } from './api-keys.js'
export { pruneOlderThan, type PruneCounts, type PruneResult } from './prune.js'
export type { StoreLog, WriteQueue } from './write-queue.js'
export type { AccountRecord, AccountRole, AccountWithHash, Accounts } from './accounts.js'
export { sessionScopes, type SessionRecord, type SessionScope, type SessionStart, type Sessions } from './sessions.js'
export type { Settings } from './settings.js'
export type { RequestedBy } from './requested-by.js'
export type { ProjectMember, Projects } from './projects.js'
export type { ProjectCertificates } from './project-certificates.js'
export type { OperationAction, OperationEnd, OperationOutcome, ProjectOperation, ProjectOperations } from './project-operations.js'

/** How long close() gives another process to let go of the lock before the writes still queued are lost. */
export const CLOSE_WAIT_MS = 1_000

export interface HallStore {
  db: Database.Database
  /** Every write of the table families below goes through it. */
  writes: WriteQueue
  serverStates: ServerStates
  transitions: Transitions
  wakes: Wakes
  shutdowns: Shutdowns
  events: Events
  activity: Activity
  apiKeys: ApiKeys
  /** The admin's accounts, their sessions, Hall's own settings, and who asked for a manual wake or shutdown. */
  accounts: Accounts
  sessions: Sessions
  settings: Settings
  requestedBy: RequestedBy
  /** When Hall was running (the energy report's known time). */
  uptime: Uptime
  /** The transitions and wakes the energy report reads. */
  energyFacts: EnergyFactsReader
  /** Client projects, their clients and certificates, and every pod played or taken down. */
  projects: Projects
  projectCertificates: ProjectCertificates
  projectOperations: ProjectOperations
  /** Deletes history older than `cutoffMs` in small batches, beside the requests; see prune.ts. */
  prune (cutoffMs: number): Promise<PruneResult>
  /** Writes what is queued (waiting up to CLOSE_WAIT_MS for another process's lock), then closes. */
  close (): void
}

export interface HallStoreOptions {
  readonly clock?: Clock
  /** Where the write queue says that writes wait, were dropped or lost; silent by default (tests). */
  readonly log?: StoreLog
}

const silent: StoreLog = { info () {}, warn () {}, error () {} }

/** Opens the database once and builds every table family over it; main.ts owns the result. */
export function openHallStore (file: string, options: HallStoreOptions = {}): HallStore {
  const db = openStore(file)
  // Migrations may wait for a lock; at run time nothing does. Every read and write happens on the
  // event loop that answers forward-auth: a busy database answers at once, reads see the last
  // commit (WAL), and writes wait in the queue instead of in SQLite's busy handler.
  db.pragma('busy_timeout = 0')
  const writes = createWriteQueue({
    clock: options.clock ?? systemClock,
    log: options.log ?? silent,
    waitForLock (ms, fn) {
      db.pragma(`busy_timeout = ${ms}`)
      try {
        fn()
      } finally {
        db.pragma('busy_timeout = 0')
      }
    }
  })
  return {
    db,
    writes,
    serverStates: createServerStates(db, writes),
    transitions: createTransitions(db, writes),
    wakes: createWakes(db, writes),
    shutdowns: createShutdowns(db, writes),
    events: createEvents(db, writes),
    activity: createActivity(db, writes),
    apiKeys: createApiKeys(db, writes),
    accounts: createAccounts(db, writes),
    sessions: createSessions(db, writes),
    settings: createSettings(db, writes),
    requestedBy: createRequestedBy(db, writes),
    uptime: createUptime(db, writes),
    energyFacts: createEnergyFacts(db),
    projects: createProjects(db, writes),
    projectCertificates: createProjectCertificates(db, writes),
    projectOperations: createProjectOperations(db, writes),
    prune: async (cutoffMs) => await pruneOlderThan(db, cutoffMs, { writes }),
    close () {
      if (!db.open) return // closing twice (shutdown hook and test cleanup) is harmless
      writes.close(CLOSE_WAIT_MS)
      try {
        // SQLite's advice for long-lived connections: refresh planner statistics on the way out
        db.pragma('optimize')
      } catch (err) {
        if (!isBusy(err)) throw err // it writes: skipped while another process has the lock
      }
      db.close()
    }
  }
}

/**
 * The latest wake, boot times and latest shutdown of a server, as the status views read them on
 * the request path: a read SQLite cannot answer at once (busy) is "nothing known yet", never a wait.
 */
export function powerHistory (store: Pick<HallStore, 'wakes' | 'shutdowns'>) {
  return {
    latest: (server: string) => unlessBusy(() => store.wakes.latest(server), null),
    bootDurationsMs: (server: string, limit: number) => unlessBusy(() => store.wakes.bootDurationsMs(server, limit), []),
    latestShutdown: (server: string) => unlessBusy(() => store.shutdowns.latest(server), null)
  }
}

function unlessBusy<T> (read: () => T, nothing: T): T {
  try {
    return read()
  } catch (err) {
    if (isBusy(err)) return nothing
    throw err
  }
}
