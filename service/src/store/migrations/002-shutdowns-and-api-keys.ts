import type { Migration } from '../migrations.js'

/** Shipped: never edited (migrations.ts). The SQL keeps the indentation it was first written with. */
export const migration2: Migration = {
  version: 2,
  name: 'shutdowns, API keys, and the rest of the lifecycle state',
  up: `
      CREATE TABLE shutdowns (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        server TEXT NOT NULL,
        -- idle, schedule, api
        trigger TEXT NOT NULL,
        requested_at INTEGER NOT NULL,
        -- the command was started (after the busy check): after a crash, it is not run twice
        send_started_at INTEGER,
        -- null until the command ran: a busy check may veto it first (outcome 'vetoed')
        sent_at INTEGER,
        exit_code INTEGER,
        stderr TEXT,
        off_at INTEGER,
        finished_at INTEGER,
        -- pending, off, vetoed, failed, timeout, cancelled
        outcome TEXT NOT NULL DEFAULT 'pending',
        error_code TEXT,
        error_message TEXT
      );
      CREATE INDEX shutdowns_server_requested_at ON shutdowns (server, requested_at);
      CREATE INDEX shutdowns_pending ON shutdowns (requested_at) WHERE outcome = 'pending';

      -- the key itself is shown once at creation; only its SHA-256 is kept
      CREATE TABLE api_keys (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        -- public part of the key, to find its row without comparing every hash
        prefix TEXT NOT NULL UNIQUE,
        hash TEXT NOT NULL,
        -- JSON arrays; null = every server / every action
        servers TEXT,
        actions TEXT,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );

      -- what a restart or a reload must not forget: the idle countdown (a server idle for an hour
      -- is not given a fresh 20 minutes), a wake held for a server still going down, the pauses
      -- before the next wake, and a shutdown that did not take
      ALTER TABLE server_state ADD COLUMN idle_from INTEGER;
      ALTER TABLE server_state ADD COLUMN shutdown_id INTEGER REFERENCES shutdowns (id) ON DELETE SET NULL;
      ALTER TABLE server_state ADD COLUMN pending_wake TEXT;
      ALTER TABLE server_state ADD COLUMN retry_not_before INTEGER;
      ALTER TABLE server_state ADD COLUMN auto_wake_not_before INTEGER;
      ALTER TABLE server_state ADD COLUMN shutdown_suspended INTEGER NOT NULL DEFAULT 0;

      -- the packet or relay command was started: after a crash, a wake is not sent twice
      ALTER TABLE wakes ADD COLUMN send_started_at INTEGER;
    `
}
