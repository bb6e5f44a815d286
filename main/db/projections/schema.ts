import type { Database } from "better-sqlite3";

/**
 * Projection tables: what the UI reads, derived only from journal records. The laptop and the IT
 * store create the same tables (IT merges several devices, hence device_id everywhere) and run the
 * same projection code, so IT sees what the technician saw. They can be dropped and rebuilt.
 */
export function createEvidenceProjections(db: Database): void {
  db.exec(`
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
  `);
}

/** Every projection table, in the order they can be cleared (children first). */
export const EVIDENCE_PROJECTION_TABLES = ["p_receipts", "p_it_trust", "p_technicians", "p_devices"] as const;
