import type { Migration } from '../migrations.js'

/** Shipped: never edited (migrations.ts). The SQL keeps the indentation it was first written with. */
export const migration6: Migration = {
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
}
