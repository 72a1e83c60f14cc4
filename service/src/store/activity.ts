import type Database from 'better-sqlite3'
import { directWrites, isBusy, type Writes } from './write-queue.js'

const minuteMs = 60_000

/**
 * Hits for one domain in one minute; `minute` is any epoch ms within it (stored as the minute's start).
 * `waited` and `passed`: browser navigations sent to the waiting page, and passed straight through.
 */
export interface ActivityRow { minute: number, domain: string, hits: number, waited?: number, passed?: number }

/** Browser navigations over a period: people who waited for a wake, and people who did not. */
export interface NavigationCounts { waited: number, passed: number }

export interface Activity {
  /**
   * Adds to what is stored (one transaction): flushing the same minute twice sums the hits. While
   * the database is locked, hits are summed in memory into the one write that waits, not queued
   * once per flush: per-minute counts do not depend on anything else, so their order does not matter.
   */
  add (rows: ActivityRow[]): void
  /** Hits in every minute that ends after `sinceMs`, so the minute containing it counts whole. */
  hitsSince (domain: string, sinceMs: number): number
  /** Start (epoch ms) of the last minute with hits, or null if none is stored. */
  lastActiveMinute (domain: string): number | null
  /** Navigations in the minutes that start within [fromMs, toMs). */
  navigationsBetween (domain: string, fromMs: number, toMs: number): NavigationCounts
}

export function createActivity (db: Database.Database, writes: Writes = directWrites): Activity {
  const upsert = db.prepare<[number, string, number, number, number]>(`
    INSERT INTO activity (minute, domain, hits, waited, passed) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (minute, domain) DO UPDATE SET hits = hits + excluded.hits,
      waited = waited + excluded.waited, passed = passed + excluded.passed`)
  const navigations = db.prepare<[string, number, number], NavigationCounts>(`
    SELECT coalesce(sum(waited), 0) AS waited, coalesce(sum(passed), 0) AS passed
    FROM activity WHERE domain = ? AND minute >= ? AND minute < ?`)
  const sumSince = db.prepare<[string, number], { hits: number }>(
    'SELECT coalesce(sum(hits), 0) AS hits FROM activity WHERE domain = ? AND minute > ?')
  const lastMinute = db.prepare<[string], { minute: number | null }>(
    'SELECT max(minute) AS minute FROM activity WHERE domain = ? AND hits > 0')
  const addAll = db.transaction((rows: Iterable<ActivityRow>) => {
    for (const r of rows) upsert.run(r.minute, r.domain, r.hits, r.waited ?? 0, r.passed ?? 0)
  })
  // hits not written yet, by "<minute start> <domain>"; `queued`: a write for them is in the queue
  const unwritten = new Map<string, ActivityRow>()
  let queued = false
  const writeUnwritten = (): void => {
    try {
      addAll(unwritten.values())
    } catch (err) {
      // kept for the retry while locked; anything else loses them, and the write queue logs it
      if (!isBusy(err)) { unwritten.clear(); queued = false }
      throw err
    }
    unwritten.clear()
    queued = false
  }

  return {
    add (rows) {
      for (const r of rows) {
        const waited = r.waited ?? 0
        const passed = r.passed ?? 0
        if (r.hits === 0 && waited === 0 && passed === 0) continue
        const minute = Math.floor(r.minute / minuteMs) * minuteMs
        const key = `${minute} ${r.domain}`
        const sum = unwritten.get(key)
        if (sum === undefined) unwritten.set(key, { minute, domain: r.domain, hits: r.hits, waited, passed })
        else {
          sum.hits += r.hits
          sum.waited = (sum.waited ?? 0) + waited
          sum.passed = (sum.passed ?? 0) + passed
        }
      }
      if (queued || unwritten.size === 0) return
      queued = writes.run('activity.add', writeUnwritten) === 'waiting'
    },
    hitsSince (domain, sinceMs) {
      return sumSince.get(domain, sinceMs - minuteMs)?.hits ?? 0
    },
    lastActiveMinute (domain) {
      return lastMinute.get(domain)?.minute ?? null
    },
    navigationsBetween (domain, fromMs, toMs) {
      return navigations.get(domain, fromMs, toMs) ?? { waited: 0, passed: 0 }
    }
  }
}
