import { createEvidenceProjections } from "../projections/schema";
import type { Migration } from "./index";

/** The device's own log: key material (protected), the append-only journal and its projections. */
export const m002Journal: Migration = {
  version: 2,
  name: "journal",
  up(db) {
    db.exec(`
      CREATE TABLE device (
        singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
        device_id     TEXT NOT NULL,
        name          TEXT NOT NULL,
        public_key    TEXT NOT NULL,
        key_id        TEXT NOT NULL,
        protected_key TEXT NOT NULL,
        protector     TEXT NOT NULL CHECK (protector IN ('safeStorage', 'passphrase')),
        created_at    TEXT NOT NULL
      ) STRICT;

      CREATE TABLE technician_key (
        singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
        name          TEXT NOT NULL,
        public_key    TEXT NOT NULL,
        key_id        TEXT NOT NULL,
        protected_key TEXT NOT NULL
      ) STRICT;

      CREATE TABLE records (
        seq          INTEGER PRIMARY KEY CHECK (seq >= 0),
        kind         TEXT NOT NULL,
        recorded_at  TEXT NOT NULL,
        subject      TEXT NOT NULL,
        payload      BLOB NOT NULL,
        envelope     TEXT NOT NULL,
        payload_hash TEXT NOT NULL,
        leaf_hash    BLOB NOT NULL
      ) STRICT;
      CREATE INDEX records_kind ON records (kind);
      CREATE TRIGGER records_append_only_update BEFORE UPDATE ON records
        BEGIN SELECT RAISE(ABORT, 'journal records are append-only'); END;
      CREATE TRIGGER records_append_only_delete BEFORE DELETE ON records
        BEGIN SELECT RAISE(ABORT, 'journal records are append-only'); END;

      CREATE TABLE exports (
        id         INTEGER PRIMARY KEY,
        path       TEXT NOT NULL,
        first_seq  INTEGER NOT NULL,
        last_seq   INTEGER NOT NULL,
        tree_size  INTEGER NOT NULL,
        bytes      INTEGER NOT NULL,
        sha256     TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `);
    createEvidenceProjections(db);
  },
};
