import type { PgMigration } from "./types";

// Frozen once released. Never edit it; add pg/NNN-name.ts (test/main/migrations-pg.test.ts keeps its SHA-256).

/**
 * The collector's door, as in the SQLite store's it/007: every device key that knocked (pending until
 * IT approves its fingerprint, approved, revoked), and what a revoked device sent afterwards, kept
 * apart from the evidence.
 */
export const pg002CollectorDevices: PgMigration = {
  version: 2,
  name: "collector-devices",
  sql: `
    CREATE TABLE collector_devices (
      fingerprint   text PRIMARY KEY,
      device_id     text,
      name          text NOT NULL,
      status        text NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
      first_seen_at timestamptz NOT NULL,
      last_seen_at  timestamptz NOT NULL,
      decided_at    timestamptz,
      decided_by    text
    );

    CREATE TABLE quarantined_uploads (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      fingerprint text NOT NULL,
      device_id   text,
      reason      text NOT NULL,
      sha256      text NOT NULL,
      bytes       bigint NOT NULL,
      data        bytea NOT NULL,
      received_at timestamptz NOT NULL
    );
    CREATE INDEX quarantined_uploads_fingerprint ON quarantined_uploads (fingerprint);
  `,
};
