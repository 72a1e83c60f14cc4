import type Database from 'better-sqlite3'

/**
 * Hands out the ids of new rows (wakes, shutdowns, projects...) in memory, so the lifecycle has a row's id before
 * the row is written (its INSERT may wait in the write queue). It starts above every row and
 * every id AUTOINCREMENT ever handed out (sqlite_sequence remembers pruned ones), and an INSERT
 * with an explicit id moves sqlite_sequence on, so the counter stays right for any later writer.
 * Safe because one Hall at a time writes these tables (instance-lock.ts); the CLI never does.
 */
export function idAllocator (db: Database.Database, table: 'wakes' | 'shutdowns' | 'projects' | 'project_certificates' | 'project_operations'): () => number {
  const row = db.prepare<[string], { last: number }>(`
    SELECT max(coalesce((SELECT max(id) FROM ${table}), 0),
               coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)) AS last`).get(table)
  let last = row?.last ?? 0
  return () => ++last
}
