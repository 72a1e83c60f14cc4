import type { Migration } from '../migrations.js'

/** Shipped: never edited (migrations.ts). The SQL keeps the indentation it was first written with. */
export const migration7: Migration = {
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
