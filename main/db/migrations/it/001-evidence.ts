import { EVIDENCE_PROJECTIONS_SQL } from "../002-journal";
import type { Migration } from "../index";

// Frozen: this is the SQL IT version 1 ran when it was released (b72b13d). Never edit it; add a migration.
// The projection tables are the laptop's very own (IT runs the same projection code over imported
// records): the SQL comes from the laptop migration that released them, 002-journal.ts, which is just as
// frozen, so sharing its constant cannot change what this migration runs.

/** IT's evidence store: enrolled devices, their heads, every imported record, bundles and receipts. */
export const it001Evidence: Migration = {
  version: 1,
  name: "it-evidence",
  up(db) {
    db.exec(`
      CREATE TABLE it_identity (
        singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
        key_name      TEXT NOT NULL,
        public_key    TEXT NOT NULL,
        protected_key TEXT NOT NULL,
        age_recipient TEXT NOT NULL,
        created_at    TEXT NOT NULL
      ) STRICT;

      CREATE TABLE devices (
        device_id   TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        public_key  TEXT NOT NULL,
        key_id      TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        enrolled_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE device_heads (
        device_id  TEXT PRIMARY KEY REFERENCES devices (device_id),
        tree_size  INTEGER NOT NULL,
        root_hash  TEXT NOT NULL,
        head_hash  TEXT NOT NULL,
        peaks      TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE bundles (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT NOT NULL UNIQUE,
        device_id   TEXT NOT NULL REFERENCES devices (device_id),
        first_seq   INTEGER NOT NULL,
        last_seq    INTEGER NOT NULL,
        tree_size   INTEGER NOT NULL,
        root_hash   TEXT NOT NULL,
        receipt     TEXT NOT NULL,
        imported_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE it_records (
        device_id   TEXT NOT NULL REFERENCES devices (device_id),
        seq         INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        subject     TEXT NOT NULL,
        payload     BLOB NOT NULL,
        envelope    TEXT NOT NULL,
        leaf_hash   BLOB NOT NULL,
        bundle_id   INTEGER NOT NULL REFERENCES bundles (id),
        PRIMARY KEY (device_id, seq)
      ) STRICT;
      CREATE TRIGGER it_records_append_only_update BEFORE UPDATE ON it_records
        BEGIN SELECT RAISE(ABORT, 'imported records are append-only'); END;
      CREATE TRIGGER it_records_append_only_delete BEFORE DELETE ON it_records
        BEGIN SELECT RAISE(ABORT, 'imported records are append-only'); END;

      CREATE TABLE sealed_secrets (
        device_id TEXT NOT NULL REFERENCES devices (device_id),
        file      TEXT NOT NULL,
        sha256    TEXT NOT NULL,
        data      BLOB NOT NULL,
        bundle_id INTEGER NOT NULL REFERENCES bundles (id),
        PRIMARY KEY (device_id, file)
      ) STRICT;
    `);
    db.exec(EVIDENCE_PROJECTIONS_SQL);
  },
};
