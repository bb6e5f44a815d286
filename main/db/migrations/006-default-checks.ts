import type { Migration } from "./index";

// Frozen: this is the SQL version 6 ran when it was released (d2e6178). Never edit it; add a migration.
// Copied verbatim from createDefaultCheckProjections() in the former projections/schema.ts. IT's
// store creates the same table (it/004-default-password-checks.ts imports this constant).

/** The latest factory-default password check of an account on each controller it was tried on. */
export const DEFAULT_CHECK_PROJECTIONS_SQL = `
    CREATE TABLE p_default_checks (
      identity_id   TEXT NOT NULL,
      controller_id TEXT NOT NULL,
      check_seq     INTEGER NOT NULL,
      accepted      INTEGER NOT NULL,
      checked_at    TEXT NOT NULL,
      PRIMARY KEY (identity_id, controller_id)
    ) STRICT;
  `;

export const m006DefaultChecks: Migration = {
  version: 6,
  name: "default-password-checks",
  up(db) {
    db.exec(DEFAULT_CHECK_PROJECTIONS_SQL);
  },
};
