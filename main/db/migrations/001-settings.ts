import type { Migration } from "./index";

// Frozen: this is the SQL version 1 ran when it was released (66a3864). Never edit it; add a migration.

export const m001Settings: Migration = {
  version: 1,
  name: "settings",
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};
