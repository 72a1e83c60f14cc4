import type Database from 'better-sqlite3'

const minuteMs = 60_000

/** Hits for one domain in one minute; `minute` is any epoch ms within it (stored as the minute's start). */
export interface ActivityRow { minute: number, domain: string, hits: number }

export interface Activity {
  /** Adds to what is stored (one transaction): flushing the same minute twice sums the hits. */
  add (rows: ActivityRow[]): void
  /** Hits in every minute that ends after `sinceMs`, so the minute containing it counts whole. */
  hitsSince (domain: string, sinceMs: number): number
  /** Start (epoch ms) of the last minute with hits, or null if none is stored. */
  lastActiveMinute (domain: string): number | null
}

export function createActivity (db: Database.Database): Activity {
  const upsert = db.prepare<[number, string, number]>(`
    INSERT INTO activity (minute, domain, hits) VALUES (?, ?, ?)
    ON CONFLICT (minute, domain) DO UPDATE SET hits = hits + excluded.hits`)
  const sumSince = db.prepare<[string, number], { hits: number }>(
    'SELECT coalesce(sum(hits), 0) AS hits FROM activity WHERE domain = ? AND minute > ?')
  const lastMinute = db.prepare<[string], { minute: number | null }>(
    'SELECT max(minute) AS minute FROM activity WHERE domain = ? AND hits > 0')
  const addAll = db.transaction((rows: ActivityRow[]) => {
    for (const r of rows) {
      if (r.hits === 0) continue
      upsert.run(Math.floor(r.minute / minuteMs) * minuteMs, r.domain, r.hits)
    }
  })

  return {
    add (rows) {
      addAll(rows)
    },
    hitsSince (domain, sinceMs) {
      return sumSince.get(domain, sinceMs - minuteMs)?.hits ?? 0
    },
    lastActiveMinute (domain) {
      return lastMinute.get(domain)?.minute ?? null
    }
  }
}
