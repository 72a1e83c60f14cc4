import { BOOT_HISTORY } from '../lifecycle/policy.js'
import type { LifecycleStore } from '../lifecycle/ports.js'
import type { ShutdownRecord, WakeRecord } from '../store/index.js'
import { truncateUtf8 } from '../store/truncate.js'
import type { PowerHistory } from './status-view.js'

/** The power history the status views read, from memory; `revision` tells a cache that a server's history changed. */
export interface RecentPowerHistory extends PowerHistory {
  /** Grows whenever the server's latest wake, latest shutdown or boot times change. */
  revision (server: string): number
}

/** A wake or shutdown as the store's begin() writes it: pending, no step taken yet. */
const BEGUN_WAKE = { sendStartedAt: null, sentAt: null, packetsSent: null, exitCode: null, stderr: null, aliveAt: null, runningAt: null, finishedAt: null, outcome: 'pending', errorCode: null, errorMessage: null } as const
const BEGUN_SHUTDOWN = { sendStartedAt: null, sentAt: null, exitCode: null, stderr: null, offAt: null, finishedAt: null, outcome: 'pending', errorCode: null, errorMessage: null } as const

/** One server's history as the status views read it: what the store's queries would return now. */
interface Recent {
  wake: WakeRecord | null
  shutdown: ShutdownRecord | null
  /** Newest first, at most BOOT_HISTORY. */
  bootsMs: readonly number[]
  revision: number
}

/**
 * Keeps every server's latest wake, latest shutdown and last boot times in memory, so a status
 * answer costs no query: the status API at 1000 domains ran four SQLite queries per domain on the
 * event loop that also answers forward-auth. Each server's history is read from `source` once
 * (the servers given now, any other on first use), then kept current from the lifecycle's own
 * writes: the lifecycle is given the returned `store`, which passes every call to `store` and,
 * once it returned, applies the same change to the copy here, as the SQL does. A write waiting in
 * the store's queue (another process holds the database) shows here at once: it is what Hall did.
 */
export function rememberPowerHistory (source: PowerHistory, store: LifecycleStore, servers: Iterable<string>): { history: RecentPowerHistory, store: LifecycleStore } {
  const recent = new Map<string, Recent>()
  // which server a wake or shutdown belongs to, while it is one's latest: writes name only the id
  const wakeServers = new Map<number, string>()
  const shutdownServers = new Map<number, string>()

  function load (server: string): Recent {
    let entry = recent.get(server)
    if (entry === undefined) {
      entry = { wake: source.latest(server), shutdown: source.latestShutdown(server), bootsMs: source.bootDurationsMs(server, BOOT_HISTORY), revision: 0 }
      recent.set(server, entry)
      if (entry.wake !== null) wakeServers.set(entry.wake.id, server)
      if (entry.shutdown !== null) shutdownServers.set(entry.shutdown.id, server)
    }
    return entry
  }
  for (const server of servers) load(server)

  /** Applies `change` to the wake `id` when it is its server's latest; an older one is in no answer. */
  function updateWake (id: number, change: (w: WakeRecord) => WakeRecord | null): void {
    const entry = recent.get(wakeServers.get(id) ?? '')
    if (entry?.wake?.id !== id) return
    const next = change(entry.wake)
    if (next === null) return
    entry.wake = next // replaced, never mutated: an answer built from the old one stays as it was
    entry.revision++
  }

  function updateShutdown (id: number, change: (s: ShutdownRecord) => ShutdownRecord | null): void {
    const entry = recent.get(shutdownServers.get(id) ?? '')
    if (entry?.shutdown?.id !== id) return
    const next = change(entry.shutdown)
    if (next === null) return
    entry.shutdown = next
    entry.revision++
  }

  const history: RecentPowerHistory = {
    latest: (server) => load(server).wake,
    latestShutdown: (server) => load(server).shutdown,
    bootDurationsMs: (server, limit) => load(server).bootsMs.slice(0, limit),
    revision: (server) => load(server).revision
  }

  const { wakes, shutdowns } = store
  const remembering: LifecycleStore = {
    serverStates: store.serverStates,
    transitions: store.transitions,
    activity: store.activity,
    events: store.events,
    // when Hall is running, for the energy report: passed through untouched
    ...(store.uptime === undefined ? {} : { uptime: store.uptime }),
    wakes: {
      begin (w) {
        const id = wakes.begin(w)
        const entry = load(w.server)
        if (!isLatest(entry.wake, w.requestedAt)) return id
        if (entry.wake !== null) wakeServers.delete(entry.wake.id)
        entry.wake = { id, ...w, ...BEGUN_WAKE }
        wakeServers.set(id, w.server)
        entry.revision++
        return id
      },
      markSending (id, at) {
        wakes.markSending(id, at)
        updateWake(id, w => ({ ...w, sendStartedAt: at }))
      },
      markSent (id, s) {
        wakes.markSent(id, s)
        updateWake(id, w => ({ ...w, sentAt: s.at, packetsSent: s.packetsSent, exitCode: s.exitCode, stderr: s.stderr === null ? null : truncateUtf8(s.stderr) }))
      },
      markAlive (id, at) {
        wakes.markAlive(id, at)
        updateWake(id, w => w.aliveAt === null ? { ...w, aliveAt: at } : null)
      },
      markRunning (id, at) {
        wakes.markRunning(id, at)
        updateWake(id, w => ({ ...w, runningAt: at }))
      },
      finish (id, f) {
        wakes.finish(id, f)
        updateWake(id, w => {
          if (w.outcome !== 'pending') return null // finishes once, as the store's UPDATE ... AND outcome = 'pending'
          const done: WakeRecord = { ...w, outcome: f.outcome, finishedAt: f.at, errorCode: f.errorCode ?? null, errorMessage: f.errorMessage ?? null }
          // Hall's own boots only; the latest wake is the newest, so its time goes first
          if (done.outcome === 'running' && done.trigger !== 'external' && done.runningAt !== null) {
            const entry = recent.get(w.server)!
            entry.bootsMs = [done.runningAt - done.requestedAt, ...entry.bootsMs].slice(0, BOOT_HISTORY)
          }
          return done
        })
      },
      pending: () => wakes.pending(),
      bootDurationsMs: (server, limit) => wakes.bootDurationsMs(server, limit)
    },
    shutdowns: {
      begin (s) {
        const id = shutdowns.begin(s)
        const entry = load(s.server)
        if (!isLatest(entry.shutdown, s.requestedAt)) return id
        if (entry.shutdown !== null) shutdownServers.delete(entry.shutdown.id)
        entry.shutdown = { id, ...s, ...BEGUN_SHUTDOWN }
        shutdownServers.set(id, s.server)
        entry.revision++
        return id
      },
      markSending (id, at) {
        shutdowns.markSending(id, at)
        updateShutdown(id, s => ({ ...s, sendStartedAt: at }))
      },
      markSent (id, sent) {
        shutdowns.markSent(id, sent)
        updateShutdown(id, s => ({ ...s, sentAt: sent.at, exitCode: sent.exitCode, stderr: sent.stderr === null ? null : truncateUtf8(sent.stderr) }))
      },
      finish (id, f) {
        shutdowns.finish(id, f)
        updateShutdown(id, s => s.outcome !== 'pending'
          ? null
          : { ...s, outcome: f.outcome, finishedAt: f.at, offAt: f.outcome === 'off' ? f.at : null, errorCode: f.errorCode ?? null, errorMessage: f.errorMessage ?? null })
      },
      pending: () => shutdowns.pending()
    }
  }
  return { history, store: remembering }
}

/** The store's "latest" is the newest request, then the highest id: a new record is the latest unless the clock went back. */
function isLatest (current: { readonly requestedAt: number } | null, requestedAt: number): boolean {
  return current === null || requestedAt >= current.requestedAt
}
