import type { Migration } from "./index";

// Frozen once released. Never edit it; add a migration. IT's store runs the same SQL
// (it/007-collector-devices.ts imports this constant).

/** The collector certificate pinned with IT's trust file (from it.trusted records that carry one). */
export const COLLECTOR_PIN_SQL = `
    ALTER TABLE p_it_trust ADD COLUMN collector_sha256 TEXT;
    ALTER TABLE p_it_trust ADD COLUMN collector_certificate TEXT;
  `;

export const m009CollectorPin: Migration = {
  version: 9,
  name: "collector-pin",
  up(db) {
    db.exec(COLLECTOR_PIN_SQL);
  },
};
