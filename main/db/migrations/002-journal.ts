import type { Migration } from "./index";

// Frozen: this is the SQL version 2 ran when it was released (b72b13d). Never edit it; add a migration.
// The projection tables are copied verbatim from createEvidenceProjections() in the former
// projections/schema.ts; `git log -p` shows those tables never changed after this release.

/**
 * What the UI reads about the device, derived only from journal records (dropped and rebuilt at will).
 * IT's store creates the very same tables (it/001-evidence.ts imports this constant).
 */
export const EVIDENCE_PROJECTIONS_SQL = `
    CREATE TABLE p_devices (
      device_id   TEXT PRIMARY KEY,
      name        TEXT NOT NULL,
      public_key  TEXT NOT NULL,
      app_version TEXT NOT NULL,
      enrolled_at TEXT NOT NULL,
      renamed_at  TEXT
    ) STRICT;

    CREATE TABLE p_technicians (
      device_id  TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      public_key TEXT,
      set_at     TEXT NOT NULL,
      seq        INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE p_it_trust (
      device_id     TEXT NOT NULL,
      key_name      TEXT NOT NULL,
      public_key    TEXT NOT NULL,
      fingerprint   TEXT NOT NULL,
      age_recipient TEXT NOT NULL,
      trusted_at    TEXT NOT NULL,
      seq           INTEGER NOT NULL,
      PRIMARY KEY (device_id, key_name)
    ) STRICT;

    CREATE TABLE p_receipts (
      device_id   TEXT NOT NULL,
      tree_size   INTEGER NOT NULL,
      root_hash   TEXT NOT NULL,
      it_key_name TEXT NOT NULL,
      cosigned_at TEXT NOT NULL,
      imported_at TEXT NOT NULL,
      seq         INTEGER NOT NULL,
      PRIMARY KEY (device_id, tree_size)
    ) STRICT;
  `;

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
    db.exec(EVIDENCE_PROJECTIONS_SQL);
  },
};
