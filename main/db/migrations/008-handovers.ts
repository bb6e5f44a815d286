import type { Migration } from "./index";

// Frozen once released. Never edit it; add a migration. IT's store creates the same table
// (it/006-handovers.ts imports this constant).

/** Who received which shared account's new password, per rotation (from secret.handedOver records). */
export const HANDOVERS_SQL = `
    CREATE TABLE p_handovers (
      device_id    TEXT NOT NULL,
      rotation_id  TEXT NOT NULL,
      person_id    TEXT NOT NULL,
      person_name  TEXT NOT NULL,
      method       TEXT NOT NULL,
      at           TEXT NOT NULL,
      seq          INTEGER NOT NULL,
      PRIMARY KEY (device_id, rotation_id, person_id)
    ) STRICT;
  `;

export const m008Handovers: Migration = {
  version: 8,
  name: "handovers",
  up(db) {
    db.exec(HANDOVERS_SQL);
  },
};
