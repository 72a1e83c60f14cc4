import type { Migration } from '../migrations.js'

/** Shipped: never edited (migrations.ts). The SQL keeps the indentation it was first written with. */
export const migration3: Migration = {
  version: 3,
  name: 'phases, triggers, methods and outcomes held to the values Hall knows',
  // SQLite cannot add a CHECK to a column: the three tables are rebuilt, every row kept. The
  // lists are written out, not taken from ports/: a shipped migration never changes, and a test
  // compares them with the code's. server_state goes first (and comes back last) so that
  // dropping wakes and shutdowns, which it references, has no row to SET NULL.
  up: `
      CREATE TEMP TABLE old_server_state AS SELECT * FROM server_state;
      CREATE TEMP TABLE old_wakes AS SELECT * FROM wakes;
      CREATE TEMP TABLE old_shutdowns AS SELECT * FROM shutdowns;
      -- AUTOINCREMENT remembers the highest id ever handed out, pruned rows included
      CREATE TEMP TABLE old_sequence AS SELECT name, seq FROM sqlite_sequence WHERE name IN ('wakes', 'shutdowns');
      DROP TABLE server_state;
      DROP TABLE wakes;
      DROP TABLE shutdowns;

      CREATE TABLE wakes (
        -- AUTOINCREMENT: ids show up in logs and server_state, so a pruned id is never handed out again
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        server TEXT NOT NULL,
        trigger TEXT NOT NULL CONSTRAINT wake_trigger CHECK (trigger IN ('request', 'api', 'schedule', 'watchdog', 'external')),
        method TEXT NOT NULL CONSTRAINT wake_method CHECK (method IN ('udp', 'ssh', 'none')),
        requested_at INTEGER NOT NULL,
        -- the packet or relay command was started: after a crash, a wake is not sent twice
        send_started_at INTEGER,
        sent_at INTEGER,
        packets_sent INTEGER,
        exit_code INTEGER,
        stderr TEXT,
        alive_at INTEGER,
        running_at INTEGER,
        finished_at INTEGER,
        outcome TEXT NOT NULL DEFAULT 'pending' CONSTRAINT wake_outcome CHECK (outcome IN ('pending', 'running', 'failed', 'timeout', 'cancelled')),
        error_code TEXT,
        error_message TEXT
      );
      INSERT INTO wakes (id, server, trigger, method, requested_at, send_started_at, sent_at, packets_sent, exit_code, stderr,
        alive_at, running_at, finished_at, outcome, error_code, error_message)
      SELECT id, server, trigger, method, requested_at, send_started_at, sent_at, packets_sent, exit_code, stderr,
        alive_at, running_at, finished_at, outcome, error_code, error_message FROM temp.old_wakes;
      CREATE INDEX wakes_server_requested_at ON wakes (server, requested_at);
      CREATE INDEX wakes_pending ON wakes (requested_at) WHERE outcome = 'pending';

      CREATE TABLE shutdowns (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        server TEXT NOT NULL,
        trigger TEXT NOT NULL CONSTRAINT shutdown_trigger CHECK (trigger IN ('idle', 'api')),
        requested_at INTEGER NOT NULL,
        -- the command was started (after the busy check): after a crash, it is not run twice
        send_started_at INTEGER,
        -- null until the command ran: a busy check may veto it first (outcome 'vetoed')
        sent_at INTEGER,
        exit_code INTEGER,
        stderr TEXT,
        off_at INTEGER,
        finished_at INTEGER,
        outcome TEXT NOT NULL DEFAULT 'pending' CONSTRAINT shutdown_outcome CHECK (outcome IN ('pending', 'off', 'vetoed', 'failed', 'timeout', 'cancelled')),
        error_code TEXT,
        error_message TEXT
      );
      INSERT INTO shutdowns (id, server, trigger, requested_at, send_started_at, sent_at, exit_code, stderr, off_at,
        finished_at, outcome, error_code, error_message)
      SELECT id, server, trigger, requested_at, send_started_at, sent_at, exit_code, stderr, off_at,
        finished_at, outcome, error_code, error_message FROM temp.old_shutdowns;
      CREATE INDEX shutdowns_server_requested_at ON shutdowns (server, requested_at);
      CREATE INDEX shutdowns_pending ON shutdowns (requested_at) WHERE outcome = 'pending';

      DELETE FROM sqlite_sequence WHERE name IN ('wakes', 'shutdowns');
      INSERT INTO sqlite_sequence (name, seq) SELECT name, seq FROM temp.old_sequence;

      CREATE TABLE server_state (
        server TEXT PRIMARY KEY,
        phase TEXT NOT NULL CONSTRAINT server_phase CHECK (phase IN ('UNKNOWN', 'OFFLINE', 'WAKING', 'BOOTING', 'RUNNING', 'IDLE', 'SHUTDOWN')),
        since INTEGER NOT NULL,
        -- SET NULL: pruning an old wake must not be blocked by the state that last mentioned it
        wake_id INTEGER REFERENCES wakes (id) ON DELETE SET NULL,
        last_activity_at INTEGER,
        -- what a restart or a reload must not forget: the idle countdown, a wake held for a server
        -- still going down, the pauses before the next wake, and a shutdown that did not take
        idle_from INTEGER,
        shutdown_id INTEGER REFERENCES shutdowns (id) ON DELETE SET NULL,
        pending_wake TEXT CONSTRAINT server_pending_wake CHECK (pending_wake IN ('request', 'api', 'schedule', 'watchdog', 'external')),
        retry_not_before INTEGER,
        auto_wake_not_before INTEGER,
        shutdown_suspended INTEGER NOT NULL DEFAULT 0 CONSTRAINT server_shutdown_suspended CHECK (shutdown_suspended IN (0, 1)),
        updated_at INTEGER NOT NULL
      );
      -- server_state is what Hall last believed, not history: a value it does not know reads as
      -- what a restart would make of it anyway (UNKNOWN, no held wake), and the first probe decides
      INSERT INTO server_state (server, phase, since, wake_id, last_activity_at, idle_from, shutdown_id, pending_wake,
        retry_not_before, auto_wake_not_before, shutdown_suspended, updated_at)
      SELECT server,
        CASE WHEN phase IN ('UNKNOWN', 'OFFLINE', 'WAKING', 'BOOTING', 'RUNNING', 'IDLE', 'SHUTDOWN') THEN phase ELSE 'UNKNOWN' END,
        since,
        -- as ON DELETE SET NULL would have left them, had foreign keys always been on
        CASE WHEN wake_id IN (SELECT id FROM wakes) THEN wake_id END, last_activity_at, idle_from,
        CASE WHEN shutdown_id IN (SELECT id FROM shutdowns) THEN shutdown_id END,
        CASE WHEN pending_wake IN ('request', 'api', 'schedule', 'watchdog', 'external') THEN pending_wake END,
        retry_not_before, auto_wake_not_before, shutdown_suspended <> 0, updated_at
      FROM temp.old_server_state;

      DROP TABLE temp.old_server_state;
      DROP TABLE temp.old_wakes;
      DROP TABLE temp.old_shutdowns;
      DROP TABLE temp.old_sequence;
    `
}
