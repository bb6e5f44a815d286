import { DEFAULT_CHECK_PROJECTIONS_SQL } from "../006-default-checks";
import type { Migration } from "../index";

// Frozen: this is the SQL IT version 4 ran when it was released (d2e6178). Never edit it; add a migration.
// The laptop's table, from the frozen constant of the laptop migration that released it.

export const it004DefaultPasswordChecks: Migration = {
  version: 4,
  name: "default-password-checks",
  up(db) {
    db.exec(DEFAULT_CHECK_PROJECTIONS_SQL);
  },
};
