import type { Migration } from "./index";

// Frozen: this is the SQL version 4 ran when it was released (9d4a031). Never edit it; add a migration.

/** What each rotation batch set out to do, so "retry failed" finds controllers that were refused before any record. */
export const m004RotationBatches: Migration = {
  version: 4,
  name: "rotation-batches",
  up(db) {
    db.exec(`
      CREATE TABLE rotation_batches (
        batch_id    TEXT PRIMARY KEY,
        identity_id TEXT NOT NULL,
        controllers TEXT NOT NULL,
        request     TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;
    `);
  },
};
