import type { PgMigration } from "./types";

// Frozen once released. Never edit it; add pg/NNN-name.ts (test/main/migrations-pg.test.ts keeps its SHA-256).

/** Why the collector refused a device's uploads, per key and reason, as in the SQLite store's it/008. */
export const pg003UploadRefusals: PgMigration = {
  version: 3,
  name: "upload-refusals",
  sql: `
    CREATE TABLE upload_refusals (
      fingerprint  text NOT NULL,
      reason       text NOT NULL,
      count        bigint NOT NULL CHECK (count > 0),
      first_at     timestamptz NOT NULL,
      last_at      timestamptz NOT NULL,
      last_message text NOT NULL,
      PRIMARY KEY (fingerprint, reason)
    );
  `,
};
