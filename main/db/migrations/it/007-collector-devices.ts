import { COLLECTOR_PIN_SQL } from "../009-collector-pin";
import type { Migration } from "../index";

// Frozen once released. Never edit it; add a migration.

/**
 * The collector's door: every device key that knocked (pending until IT approves its fingerprint,
 * approved, or revoked), and what a revoked device sent afterwards, kept apart from the evidence.
 * Also the laptop's collector pin columns (the projection tables are the laptop's own).
 */
export const it007CollectorDevices: Migration = {
  version: 7,
  name: "collector-devices",
  up(db) {
    db.exec(COLLECTOR_PIN_SQL);
    db.exec(`
      CREATE TABLE collector_devices (
        fingerprint   TEXT PRIMARY KEY,
        device_id     TEXT,
        name          TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
        first_seen_at TEXT NOT NULL,
        last_seen_at  TEXT NOT NULL,
        decided_at    TEXT,
        decided_by    TEXT
      ) STRICT;

      CREATE TABLE quarantined_uploads (
        id          INTEGER PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        device_id   TEXT,
        reason      TEXT NOT NULL,
        sha256      TEXT NOT NULL,
        bytes       INTEGER NOT NULL,
        data        BLOB NOT NULL,
        received_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX quarantined_uploads_fingerprint ON quarantined_uploads (fingerprint);
    `);
  },
};
