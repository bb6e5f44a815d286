import { REAL_CONTROLLERS_SQL } from "../007-real-controllers";
import type { Migration } from "../index";

// Frozen once released. Never edit it; add a migration.
// The laptop's table, from the frozen constant of the laptop migration that released it.

export const it005RealControllers: Migration = {
  version: 5,
  name: "real-controllers",
  up(db) {
    db.exec(REAL_CONTROLLERS_SQL);
  },
};
