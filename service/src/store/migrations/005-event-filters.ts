import type { Migration } from '../migrations.js'

/** Shipped: never edited (migrations.ts). The SQL keeps the indentation it was first written with. */
export const migration5: Migration = {
  version: 5,
  name: 'the event log filtered by kind or level',
  // the admin's event log pages by (at, id) under a kind or level filter: without these, a rare
  // kind would be looked for through every event kept
  up: `
      CREATE INDEX events_kind_at ON events (kind, at);
      CREATE INDEX events_level_at ON events (level, at);
    `
}
