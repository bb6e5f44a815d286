import { createOwnerProjections, createPlantProjections, createRotationProjections } from "../projections/schema";
import type { Migration } from "./index";

/** Controllers, accounts, identities, people and ownership (projections), and the laptop's encrypted vault. */
export const m003Plant: Migration = {
  version: 3,
  name: "plant",
  up(db) {
    createPlantProjections(db);
    createOwnerProjections(db);
    createRotationProjections(db);
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
