import type { Migration } from "./index";

// Frozen once released. Never edit it; add a migration. IT's store creates the same table
// (it/005-real-controllers.ts imports this constant).

/**
 * Accounts the technician declared on controllers that cannot list their own (no Part 18 Users, no
 * RoleSet), from a plant file, by hand, or found by the opt-in factory password check; and when a
 * controller was last not reached (a visit that failed keeps what the last good one learned).
 */
export const REAL_CONTROLLERS_SQL = `
    ALTER TABLE p_controllers ADD COLUMN not_reached_at TEXT;

    CREATE TABLE p_declared_accounts (
      controller_id TEXT NOT NULL,
      user_name     TEXT NOT NULL,
      kind          TEXT NOT NULL,
      description   TEXT NOT NULL,
      source        TEXT NOT NULL,
      declared_at   TEXT NOT NULL,
      seq           INTEGER NOT NULL,
      PRIMARY KEY (controller_id, user_name)
    ) STRICT;
  `;

export const m007RealControllers: Migration = {
  version: 7,
  name: "real-controllers",
  up(db) {
    db.exec(REAL_CONTROLLERS_SQL);
  },
};
