import type { Migration } from '../migrations.js'

/** Shipped: never edited (migrations.ts). The SQL keeps the indentation it was first written with. */
export const migration4: Migration = {
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
}
