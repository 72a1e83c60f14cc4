import type { Migration } from '../migrations.js'

/** Shipped: never edited (migrations.ts). The SQL keeps the indentation it was first written with. */
export const migration1: Migration = {
  version: 1,
  name: 'lifecycle history: server state, transitions, wakes, events, activity',
  up: `
      CREATE TABLE wakes (
        -- AUTOINCREMENT: ids show up in logs and server_state, so a pruned id is never handed out again
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        server TEXT NOT NULL,
        trigger TEXT NOT NULL,
        method TEXT NOT NULL,
        requested_at INTEGER NOT NULL,
        sent_at INTEGER,
        packets_sent INTEGER,
        exit_code INTEGER,
        stderr TEXT,
        alive_at INTEGER,
        running_at INTEGER,
        finished_at INTEGER,
        outcome TEXT NOT NULL DEFAULT 'pending',
        error_code TEXT,
        error_message TEXT
      );
      CREATE INDEX wakes_server_requested_at ON wakes (server, requested_at);
      -- after a restart Hall looks for wakes still in flight; there are few, so a partial index
      CREATE INDEX wakes_pending ON wakes (requested_at) WHERE outcome = 'pending';

      CREATE TABLE server_state (
        server TEXT PRIMARY KEY,
        phase TEXT NOT NULL,
        since INTEGER NOT NULL,
        -- SET NULL: pruning an old wake must not be blocked by the state that last mentioned it
        wake_id INTEGER REFERENCES wakes (id) ON DELETE SET NULL,
        last_activity_at INTEGER,
        updated_at INTEGER NOT NULL
      );

      CREATE TABLE transitions (
        id INTEGER PRIMARY KEY,
        server TEXT NOT NULL,
        from_phase TEXT NOT NULL,
        to_phase TEXT NOT NULL,
        at INTEGER NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE INDEX transitions_server_at ON transitions (server, at);
      CREATE INDEX transitions_at ON transitions (at);

      CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        level TEXT NOT NULL,
        server TEXT,
        kind TEXT NOT NULL,
        message TEXT NOT NULL,
        details TEXT
      );
      CREATE INDEX events_at ON events (at);
      CREATE INDEX events_server_at ON events (server, at);

      -- minute: epoch ms of the minute's first millisecond
      CREATE TABLE activity (
        minute INTEGER NOT NULL,
        domain TEXT NOT NULL,
        hits INTEGER NOT NULL,
        PRIMARY KEY (minute, domain)
      );
      CREATE INDEX activity_domain_minute ON activity (domain, minute);
    `
}
