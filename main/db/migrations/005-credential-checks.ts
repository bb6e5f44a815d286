import type { Migration } from "./index";

// Frozen: this is the SQL version 5 ran when it was released (10d5bea). Never edit it; add a migration.
// Copied verbatim from createCredentialProjections() in the former projections/schema.ts (unchanged
// since this release). IT's store creates the same table (it/003-credential-checks.ts imports it).

/** The latest reuse check of an account on each controller: did one typed password open it? */
export const CREDENTIAL_PROJECTIONS_SQL = `
    CREATE TABLE p_credential_checks (
      identity_id   TEXT NOT NULL,
      controller_id TEXT NOT NULL,
      check_seq     INTEGER NOT NULL,
      device_id     TEXT NOT NULL,
      accepted      INTEGER NOT NULL,
      checked_at    TEXT NOT NULL,
      PRIMARY KEY (identity_id, controller_id)
    ) STRICT;
  `;

export const m005CredentialChecks: Migration = {
  version: 5,
  name: "credential-checks",
  up(db) {
    db.exec(CREDENTIAL_PROJECTIONS_SQL);
  },
};
