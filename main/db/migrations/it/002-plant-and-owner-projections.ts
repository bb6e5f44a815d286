import { OWNER_PROJECTIONS_SQL, PLANT_PROJECTIONS_SQL, ROTATION_PROJECTIONS_SQL } from "../003-plant";
import type { Migration } from "../index";

// Frozen: this is the SQL IT version 2 ran when it was released (f782892). Never edit it; add a migration.
// The same projection tables as the laptop's; their SQL is the frozen constants of the laptop migration
// that released them (003-plant.ts), so sharing them cannot change what this migration runs.

/** Controllers, accounts, identities, people, ownership and rotations as IT sees them across devices. */
export const it002PlantAndOwnerProjections: Migration = {
  version: 2,
  name: "plant-and-owner-projections",
  up(db) {
    db.exec(PLANT_PROJECTIONS_SQL);
    db.exec(OWNER_PROJECTIONS_SQL);
    db.exec(ROTATION_PROJECTIONS_SQL);
  },
};
