import type { Migration } from "../index";

// Frozen once released. Never edit it; add a migration.

/**
 * Why the collector refused a device's uploads: one row per device key and reason, with how often,
 * since when and the last message, so `collector status` can say "3 gap refusals since 08:15".
 * Bookkeeping, not evidence (left out of the store's content digest like collector_devices).
 */
export const it008UploadRefusals: Migration = {
  version: 8,
  name: "upload-refusals",
  up(db) {
    db.exec(`
      CREATE TABLE upload_refusals (
        fingerprint  TEXT NOT NULL,
        reason       TEXT NOT NULL,
        count        INTEGER NOT NULL CHECK (count > 0),
        first_at     TEXT NOT NULL,
        last_at      TEXT NOT NULL,
        last_message TEXT NOT NULL,
        PRIMARY KEY (fingerprint, reason)
      ) STRICT;
    `);
  },
};
