import { CREDENTIAL_PROJECTIONS_SQL } from "../005-credential-checks";
import type { Migration } from "../index";

// Frozen: this is the SQL IT version 3 ran when it was released (10d5bea). Never edit it; add a migration.
// The laptop's table, from the frozen constant of the laptop migration that released it.

export const it003CredentialChecks: Migration = {
  version: 3,
  name: "credential-checks",
  up(db) {
    db.exec(CREDENTIAL_PROJECTIONS_SQL);
  },
};
