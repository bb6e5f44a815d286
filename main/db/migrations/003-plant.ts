import type { Migration } from "./index";

// Frozen: this is the SQL version 3 ran when it was released (f782892). Never edit it; add a migration.
// The projection tables are copied verbatim from createPlantProjections(), createOwnerProjections()
// and createRotationProjections() in the former projections/schema.ts; `git log -p` shows those
// tables never changed after this release. IT's store creates the same projection tables
// (it/002-plant-and-owner-projections.ts imports these constants).

/** Controllers, their trust decisions and last posture; accounts; identities derived from them. */
export const PLANT_PROJECTIONS_SQL = `
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
  `;

/** People, teams, ownership (per identity, line or cell), holders, uses and decision authority. */
export const OWNER_PROJECTIONS_SQL = `
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
  `;

/** Rotations: one row per controller a credential was rotated on, from pending to its outcome. */
export const ROTATION_PROJECTIONS_SQL = `
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
  `;


/** Controllers, accounts, identities, people and ownership (projections), and the laptop's encrypted vault. */
export const m003Plant: Migration = {
  version: 3,
  name: "plant",
  up(db) {
    db.exec(PLANT_PROJECTIONS_SQL);
    db.exec(OWNER_PROJECTIONS_SQL);
    db.exec(ROTATION_PROJECTIONS_SQL);
    db.exec(`
      -- Secrets the laptop must be able to use (the technician's logins). Each value is sealed with
      -- AES-256-GCM under the vault key; the vault key is protected like the device key.
      CREATE TABLE vault_key (
        singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
        protected_key TEXT NOT NULL,
        protector     TEXT NOT NULL
      ) STRICT;
      CREATE TABLE vault (
        ref        TEXT PRIMARY KEY,
        sealed     TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      -- People who approve on this laptop: their key, protected by their own PIN.
      CREATE TABLE person_keys (
        person_id     TEXT PRIMARY KEY,
        public_key    TEXT NOT NULL,
        key_id        TEXT NOT NULL,
        protected_key TEXT NOT NULL
      ) STRICT;

      -- New passwords sealed to IT (age). Kept until IT's receipt covers the record that commits them.
      CREATE TABLE sealed_secrets (
        file        TEXT PRIMARY KEY,
        rotation_id TEXT NOT NULL,
        data        BLOB NOT NULL,
        sha256      TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        pending_seq INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
