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

/** Controllers, their trust decisions and last posture; accounts; identities derived from them. */
export function createPlantProjections(db: Database): void {
  db.exec(`
    CREATE TABLE p_controllers (
      controller_id      TEXT PRIMARY KEY,
      name               TEXT NOT NULL,
      kind               TEXT NOT NULL,
      vendor             TEXT NOT NULL,
      model              TEXT NOT NULL,
      site_id            TEXT NOT NULL,
      site_name          TEXT NOT NULL,
      area               TEXT NOT NULL,
      line               TEXT NOT NULL,
      cell               TEXT NOT NULL,
      endpoint_url       TEXT NOT NULL,
      has_login          INTEGER NOT NULL,
      declared_seq       INTEGER NOT NULL,
      trust_decision     TEXT,
      trusted_thumbprint TEXT,
      trusted_at         TEXT,
      last_observed_at   TEXT,
      last_observed_seq  INTEGER,
      reachable          INTEGER,
      posture            TEXT,
      changes            TEXT
    ) STRICT;

    CREATE TABLE p_accounts (
      controller_id      TEXT NOT NULL REFERENCES p_controllers (controller_id),
      user_name          TEXT NOT NULL,
      description        TEXT NOT NULL,
      user_configuration INTEGER NOT NULL,
      roles              TEXT NOT NULL,
      observed_at        TEXT NOT NULL,
      PRIMARY KEY (controller_id, user_name)
    ) STRICT;

    CREATE TABLE p_identities (
      identity_id    TEXT PRIMARY KEY,
      kind           TEXT NOT NULL,
      name           TEXT NOT NULL,
      first_seen_at  TEXT NOT NULL,
      first_seen_seq INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE p_identity_controllers (
      identity_id   TEXT NOT NULL REFERENCES p_identities (identity_id),
      controller_id TEXT NOT NULL REFERENCES p_controllers (controller_id),
      PRIMARY KEY (identity_id, controller_id)
    ) STRICT;
    CREATE INDEX p_identity_controllers_by_controller ON p_identity_controllers (controller_id);
  `);
}

export const PLANT_PROJECTION_TABLES = ["p_identity_controllers", "p_identities", "p_accounts", "p_controllers"] as const;

/** People, teams, ownership (per identity, line or cell), holders, uses and decision authority. */
export function createOwnerProjections(db: Database): void {
  db.exec(`
    CREATE TABLE p_teams (
      team_id     TEXT PRIMARY KEY,
      name        TEXT NOT NULL,
      description TEXT NOT NULL
    ) STRICT;

    CREATE TABLE p_people (
      person_id  TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      role       TEXT NOT NULL,
      employer   TEXT NOT NULL,
      company    TEXT NOT NULL,
      team_id    TEXT,
      public_key TEXT,
      left_at    TEXT,
      updated_at TEXT NOT NULL
    ) STRICT;

    CREATE TABLE p_ownership (
      target_type TEXT NOT NULL,
      target_id   TEXT NOT NULL,
      owner_type  TEXT NOT NULL,
      owner_id    TEXT NOT NULL,
      purpose     TEXT NOT NULL,
      scope       TEXT NOT NULL,
      expires_at  TEXT,
      set_at      TEXT NOT NULL,
      PRIMARY KEY (target_type, target_id)
    ) STRICT;

    CREATE TABLE p_holders (
      identity_id TEXT NOT NULL,
      person_id   TEXT NOT NULL,
      since       TEXT NOT NULL,
      removed_at  TEXT,
      PRIMARY KEY (identity_id, person_id)
    ) STRICT;

    CREATE TABLE p_usages (
      seq           INTEGER NOT NULL,
      device_id     TEXT NOT NULL,
      identity_id   TEXT NOT NULL,
      person_id     TEXT NOT NULL,
      controller_id TEXT NOT NULL,
      work_order    TEXT NOT NULL,
      from_at       TEXT NOT NULL,
      to_at         TEXT,
      break_glass   INTEGER NOT NULL,
      PRIMARY KEY (device_id, seq)
    ) STRICT;
    CREATE INDEX p_usages_identity ON p_usages (identity_id);

    CREATE TABLE p_authority (
      line      TEXT NOT NULL,
      cell      TEXT NOT NULL,
      action    TEXT NOT NULL,
      rank      INTEGER NOT NULL,
      person_id TEXT NOT NULL,
      PRIMARY KEY (line, cell, action, rank)
    ) STRICT;
  `);
}

export const OWNER_PROJECTION_TABLES = ["p_authority", "p_usages", "p_holders", "p_ownership", "p_people", "p_teams"] as const;

/** Rotations: one row per controller a credential was rotated on, from pending to its outcome. */
export function createRotationProjections(db: Database): void {
  db.exec(`
    CREATE TABLE p_rotations (
      rotation_id   TEXT PRIMARY KEY,
      device_id     TEXT NOT NULL,
      batch_id      TEXT,
      identity_id   TEXT NOT NULL,
      controller_id TEXT NOT NULL,
      user_name     TEXT NOT NULL,
      method        TEXT NOT NULL,
      reason        TEXT NOT NULL,
      work_order    TEXT NOT NULL,
      op_state      TEXT NOT NULL,
      state         TEXT NOT NULL,
      sealed_file   TEXT,
      started_at    TEXT NOT NULL,
      finished_at   TEXT,
      pending_seq   INTEGER NOT NULL,
      finished_seq  INTEGER,
      detail        TEXT NOT NULL
    ) STRICT;
    CREATE INDEX p_rotations_identity ON p_rotations (identity_id, controller_id);
    CREATE INDEX p_rotations_state ON p_rotations (state);
  `);
}

export const ROTATION_PROJECTION_TABLES = ["p_rotations"] as const;

/** The latest reuse check of an account on each controller: did one typed password open it? */
export function createCredentialProjections(db: Database): void {
  db.exec(`
    CREATE TABLE p_credential_checks (
      identity_id   TEXT NOT NULL,
      controller_id TEXT NOT NULL,
      check_seq     INTEGER NOT NULL,
      device_id     TEXT NOT NULL,
      accepted      INTEGER NOT NULL,
      checked_at    TEXT NOT NULL,
      PRIMARY KEY (identity_id, controller_id)
    ) STRICT;
  `);
}

export const CREDENTIAL_PROJECTION_TABLES = ["p_credential_checks"] as const;

/** The latest factory-default password check of an account on each controller it was tried on. */
export function createDefaultCheckProjections(db: Database): void {
  db.exec(`
    CREATE TABLE p_default_checks (
      identity_id   TEXT NOT NULL,
      controller_id TEXT NOT NULL,
      check_seq     INTEGER NOT NULL,
      accepted      INTEGER NOT NULL,
      checked_at    TEXT NOT NULL,
      PRIMARY KEY (identity_id, controller_id)
    ) STRICT;
  `);
}

export const DEFAULT_CHECK_PROJECTION_TABLES = ["p_default_checks"] as const;
