import type Database from 'better-sqlite3'
import { openStore } from './db.js'
import { createServerStates, type ServerStates } from './server-states.js'
import { createTransitions, type Transitions } from './transitions.js'
import { createWakes, type Wakes } from './wakes.js'
import { createEvents, type Events } from './events.js'
import { createActivity, type Activity } from './activity.js'
import { createShutdowns, type Shutdowns } from './shutdowns.js'
import { createApiKeys, type ApiKeys } from './api-keys.js'

export type { PersistedServerState, ServerStates } from './server-states.js'
export type { TransitionInput, TransitionRecord, Transitions } from './transitions.js'
export type { WakeRecord, Wakes } from './wakes.js'
export type { EventLevel, EventInput, EventRecord, Events } from './events.js'
export type { ActivityRow, Activity } from './activity.js'
export type { ShutdownRecord, Shutdowns } from './shutdowns.js'
export { apiKeyActions, isInScope, parseApiKeyScopes, type ApiKeyAction, type ApiKeyRecord, type ApiKeyScopes, type ApiKeys } from './api-keys.js'
export { pruneOlderThan, type PruneCounts } from './prune.js'

export interface HallStore {
  db: Database.Database
  serverStates: ServerStates
  transitions: Transitions
  wakes: Wakes
  shutdowns: Shutdowns
  events: Events
  activity: Activity
  apiKeys: ApiKeys
  close (): void
}

/** Opens the database once and builds every table family over it; main.ts owns the result. */
export function openHallStore (file: string): HallStore {
  const db = openStore(file)
  // migrations may wait for a lock; at run time every write happens on the event loop that also
  // answers forward-auth, so a write that cannot get the lock quickly fails (and is logged) instead
  db.pragma('busy_timeout = 250')
  return {
    db,
    serverStates: createServerStates(db),
    transitions: createTransitions(db),
    wakes: createWakes(db),
    shutdowns: createShutdowns(db),
    events: createEvents(db),
    activity: createActivity(db),
    apiKeys: createApiKeys(db),
    close () {
      if (!db.open) return // closing twice (shutdown hook and test cleanup) is harmless
      // SQLite's advice for long-lived connections: refresh planner statistics on the way out
      db.pragma('optimize')
      db.close()
    }
  }
}

/** The latest wake, boot times and latest shutdown of a server, as the status views read them. */
export function powerHistory (store: Pick<HallStore, 'wakes' | 'shutdowns'>) {
  return {
    latest: (server: string) => store.wakes.latest(server),
    bootDurationsMs: (server: string, limit: number) => store.wakes.bootDurationsMs(server, limit),
    latestShutdown: (server: string) => store.shutdowns.latest(server)
  }
}
