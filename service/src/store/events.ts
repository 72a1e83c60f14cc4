import type Database from 'better-sqlite3'
import { directWrites, type Writes } from './write-queue.js'

export type EventLevel = 'info' | 'warn' | 'error'

export interface EventInput {
  at: number
  level: EventLevel
  server: string | null
  kind: string
  message: string
  /** Anything JSON can hold; stored as JSON text. */
  details?: unknown
}

export interface EventRecord {
  id: number
  at: number
  level: EventLevel
  server: string | null
  kind: string
  message: string
  /** null when the event was recorded without details */
  details: unknown
}

export interface Events {
  record (e: EventInput): void
  /** Newest first; only one server's events when `server` is given. */
  recent (limit: number, server?: string): EventRecord[]
}

type EventRow = Omit<EventRecord, 'details'> & { details: string | null }

export function createEvents (db: Database.Database, writes: Writes = directWrites): Events {
  const insert = db.prepare(`
    INSERT INTO events (at, level, server, kind, message, details) VALUES (?, ?, ?, ?, ?, ?)`)
  const columns = 'id, at, level, server, kind, message, details'
  const selectAll = db.prepare<[number], EventRow>(
    `SELECT ${columns} FROM events ORDER BY at DESC, id DESC LIMIT ?`)
  const selectServer = db.prepare<[string, number], EventRow>(
    `SELECT ${columns} FROM events WHERE server = ? ORDER BY at DESC, id DESC LIMIT ?`)

  return {
    record (e) {
      const details = e.details === undefined ? null : JSON.stringify(e.details)
      writes.run('events.record', () => insert.run(e.at, e.level, e.server, e.kind, e.message, details))
    },
    recent (limit, server) {
      const rows = server === undefined ? selectAll.all(limit) : selectServer.all(server, limit)
      return rows.map(r => ({ ...r, details: r.details === null ? null : JSON.parse(r.details) }))
    }
  }
}
