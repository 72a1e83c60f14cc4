import type Database from 'better-sqlite3'
import { directWrites, type Writes } from './write-queue.js'

export interface TransitionInput { server: string, from: string, to: string, at: number, reason: string }
export interface TransitionRecord extends TransitionInput { id: number }

export interface Transitions {
  record (t: TransitionInput): void
  /** Newest first. */
  recent (server: string, limit: number): TransitionRecord[]
}

export function createTransitions (db: Database.Database, writes: Writes = directWrites): Transitions {
  const insert = db.prepare<[TransitionInput]>(`
    INSERT INTO transitions (server, from_phase, to_phase, at, reason) VALUES (@server, @from, @to, @at, @reason)`)
  // id breaks ties: two transitions in the same millisecond keep their order
  const selectRecent = db.prepare<[string, number], TransitionRecord>(`
    SELECT id, server, from_phase AS "from", to_phase AS "to", at, reason
    FROM transitions WHERE server = ? ORDER BY at DESC, id DESC LIMIT ?`)

  return {
    record (t) {
      writes.run('transitions.record', () => insert.run(t))
    },
    recent (server, limit) {
      return selectRecent.all(server, limit)
    }
  }
}
