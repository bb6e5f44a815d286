import { HANDOVERS_SQL } from "../008-handovers";
import type { Migration } from "../index";

// Frozen once released. Never edit it; add a migration.
// The laptop's table, from the frozen constant of the laptop migration that released it.

export const it006Handovers: Migration = {
  version: 6,
  name: "handovers",
  up(db) {
    db.exec(HANDOVERS_SQL);
  },
};
