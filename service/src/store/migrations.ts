import type Database from 'better-sqlite3'
import { HallError } from '../errors.js'

export interface Migration { version: number, name: string, up: string }

/**
 * Append only: a shipped migration is never edited, because databases in the field already ran it.
 * Versions are 1, 2, 3... in order.
 * Times are epoch milliseconds; JSON is TEXT.
 */
export const migrations: readonly Migration[] = [
  {
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
  },
  {
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
  },
  {
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
  },
  {
    version: 4,
    name: 'admin accounts, their sessions, Hall\'s own settings, and who asked for a manual wake or shutdown',
    up: `
      -- password_hash holds the scrypt parameters with the salt and hash, so they can be raised later
      CREATE TABLE users (
        -- AUTOINCREMENT: an account removed and made again under the same name never gets the old one's sessions back
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        -- NOCASE: "Alice" and "alice" are one account, at login as when it is made
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CONSTRAINT user_role CHECK (role IN ('admin', 'viewer')),
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        password_changed_at INTEGER NOT NULL,
        last_login_at INTEGER
      );

      -- id_hash: the SHA-256 of the session id; the id itself lives only in the browser's cookie
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        address TEXT NOT NULL
      );
      CREATE INDEX sessions_user_id ON sessions (user_id);

      -- what Hall makes for itself and must keep across restarts (the session secret)
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      -- the account that asked, for a wake or shutdown started from the admin; null for every other trigger
      ALTER TABLE wakes ADD COLUMN requested_by TEXT;
      ALTER TABLE shutdowns ADD COLUMN requested_by TEXT;
    `
  },
  {
    version: 5,
    name: 'the event log filtered by kind or level',
    // the admin's event log pages by (at, id) under a kind or level filter: without these, a rare
    // kind would be looked for through every event kept
    up: `
      CREATE INDEX events_kind_at ON events (kind, at);
      CREATE INDEX events_level_at ON events (level, at);
    `
  },
  {
    version: 6,
    name: 'the energy and availability report: when Hall was running, and browser navigations that waited or passed',
    up: `
      -- one row per run of Hall: started_at when it began serving, last_seen_at moved on at most
      -- once a minute (and on a clean stop). Between two runs Hall was down: the report counts that
      -- time as UNKNOWN for every server, as it does anything before the first row.
      CREATE TABLE uptime (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      );
      CREATE INDEX uptime_last_seen_at ON uptime (last_seen_at);

      -- browser navigations per minute and domain: sent to the waiting page (people who waited)
      -- or passed straight through; summed in memory and written with the hits
      ALTER TABLE activity ADD COLUMN waited INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE activity ADD COLUMN passed INTEGER NOT NULL DEFAULT 0;
    `
  },
  {
    version: 7,
    name: 'client projects, their clients, certificates and pod operations; client accounts; sessions of the project portal',
    // users gains the 'client' role and sessions a scope: SQLite cannot change a CHECK, so both are
    // rebuilt with every row kept (sessions first out and last in, so no cascade ever fires)
    up: `
      CREATE TEMP TABLE old_users AS SELECT * FROM users;
      CREATE TEMP TABLE old_sessions AS SELECT * FROM sessions;
      CREATE TEMP TABLE old_sequence AS SELECT name, seq FROM sqlite_sequence WHERE name = 'users';
      DROP TABLE sessions;
      DROP TABLE users;

      CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CONSTRAINT user_role CHECK (role IN ('admin', 'viewer', 'client')),
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        password_changed_at INTEGER NOT NULL,
        last_login_at INTEGER
      );
      INSERT INTO users SELECT * FROM temp.old_users;
      DELETE FROM sqlite_sequence WHERE name = 'users';
      INSERT INTO sqlite_sequence (name, seq) SELECT name, seq FROM temp.old_sequence;

      -- scope: 'admin' sessions open /admin (LAN only, cookie on Hall's host); 'portal' sessions,
      -- opened at /login from anywhere, only pass the gate of members projects and show the portal
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        address TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT 'admin' CONSTRAINT session_scope CHECK (scope IN ('admin', 'portal'))
      );
      INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, address)
      SELECT id_hash, user_id, created_at, last_seen_at, address FROM temp.old_sessions;
      CREATE INDEX sessions_user_id ON sessions (user_id);
      DROP TABLE temp.old_users;
      DROP TABLE temp.old_sessions;
      DROP TABLE temp.old_sequence;

      CREATE TABLE projects (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        client TEXT NOT NULL,
        host TEXT NOT NULL UNIQUE COLLATE NOCASE,
        server TEXT NOT NULL,
        port INTEGER NOT NULL CONSTRAINT project_port CHECK (port BETWEEN 1 AND 65535),
        container_port INTEGER NOT NULL CONSTRAINT project_container_port CHECK (container_port BETWEEN 1 AND 65535),
        image TEXT NOT NULL,
        cpu REAL NOT NULL CONSTRAINT project_cpu CHECK (cpu > 0),
        memory_mib INTEGER NOT NULL CONSTRAINT project_memory CHECK (memory_mib > 0),
        disk_gib INTEGER NOT NULL CONSTRAINT project_disk CHECK (disk_gib > 0),
        access TEXT NOT NULL CONSTRAINT project_access CHECK (access IN ('public', 'members', 'certificate')),
        status TEXT NOT NULL CONSTRAINT project_status CHECK (status IN ('provisioning', 'ready', 'error', 'removing')),
        status_reason TEXT,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      -- one port per server: two pods cannot publish the same one
      CREATE UNIQUE INDEX projects_server_port ON projects (server, port);

      -- the client accounts that may reach a members project and see it on the portal
      CREATE TABLE project_members (
        project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        PRIMARY KEY (project_id, user_id)
      );
      CREATE INDEX project_members_user_id ON project_members (user_id);

      -- fingerprint: SHA-256 of the certificate's DER bytes (hex); revoked rows are kept for the record
      CREATE TABLE project_certificates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        subject TEXT NOT NULL,
        not_after INTEGER NOT NULL,
        added_at INTEGER NOT NULL,
        added_by TEXT NOT NULL,
        revoked_at INTEGER,
        revoked_by TEXT
      );
      CREATE INDEX project_certificates_project_id ON project_certificates (project_id);

      -- every podman kube play or down, as wakes are kept: who asked, when, and how it ended
      CREATE TABLE project_operations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        project TEXT NOT NULL,
        action TEXT NOT NULL CONSTRAINT operation_action CHECK (action IN ('play', 'down')),
        requested_at INTEGER NOT NULL,
        requested_by TEXT NOT NULL,
        wake_id INTEGER,
        started_at INTEGER,
        finished_at INTEGER,
        outcome TEXT NOT NULL DEFAULT 'pending' CONSTRAINT operation_outcome CHECK (outcome IN ('pending', 'done', 'failed')),
        exit_code INTEGER,
        stderr TEXT,
        error_message TEXT
      );
      CREATE INDEX project_operations_project ON project_operations (project, requested_at);
    `
  }
]

export const latestVersion = migrations.at(-1)?.version ?? 0

/** Brings the schema to `latestVersion`; each migration commits on its own with its user_version bump. */
export function migrate (db: Database.Database): void {
  const found = userVersion(db)
  if (found > latestVersion) {
    throw new HallError('HALL_ERR_STORE_MIGRATION',
      `database schema version ${found} is newer than this Hall knows (${latestVersion}): upgrade Hall or restore an older backup`,
      { found, latest: latestVersion })
  }
  for (const m of migrations) {
    if (m.version <= found) continue
    const apply = db.transaction(() => {
      // re-read under the write lock: another Hall process may have migrated since we looked
      if (userVersion(db) >= m.version) return
      db.exec(m.up)
      db.pragma(`user_version = ${m.version}`)
    })
    try {
      apply.immediate()
    } catch (err) {
      throw new HallError('HALL_ERR_STORE_MIGRATION',
        `database migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { version: m.version }, err)
    }
  }
}

function userVersion (db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number
}
