import type { PgMigration } from "./types";

// Frozen once released: the SQL below is what PostgreSQL stores ran. Never edit it; add pg/NNN-name.ts
// (test/main/migrations-pg.test.ts keeps its SHA-256).

/**
 * IT's evidence in PostgreSQL, for collectors that share one database: enrolled devices, one head
 * row per device (the row every import locks), records (append-only), bundles with IT's receipt,
 * sealed secrets. The plant and owner projections stay in the IT folder's SQLite store for now.
 */
export const pg001Evidence: PgMigration = {
  version: 1,
  name: "evidence",
  sql: `
    CREATE TABLE devices (
      device_id   text PRIMARY KEY,
      name        text NOT NULL,
      public_key  text NOT NULL,
      key_id      text NOT NULL,
      fingerprint text NOT NULL,
      enrolled_at timestamptz NOT NULL
    );

    -- One row per device, created (tree_size 0) by the first import that locks it. The device row is
    -- written in the same transaction, hence the deferred reference.
    CREATE TABLE heads (
      device_id  text PRIMARY KEY REFERENCES devices (device_id) DEFERRABLE INITIALLY DEFERRED,
      tree_size  bigint NOT NULL CHECK (tree_size >= 0),
      root_hash  text NOT NULL,
      head_hash  text NOT NULL,
      peaks      jsonb NOT NULL,
      updated_at timestamptz NOT NULL
    );

    CREATE TABLE bundles (
      id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      sha256      text NOT NULL UNIQUE,
      device_id   text NOT NULL REFERENCES devices (device_id),
      first_seq   bigint NOT NULL,
      last_seq    bigint NOT NULL,
      tree_size   bigint NOT NULL,
      root_hash   text NOT NULL,
      receipt     text NOT NULL,
      imported_at timestamptz NOT NULL
    );

    CREATE TABLE records (
      device_id   text NOT NULL REFERENCES devices (device_id),
      seq         bigint NOT NULL CHECK (seq >= 0),
      kind        text NOT NULL,
      recorded_at text NOT NULL,
      subject     text NOT NULL,
      payload     bytea NOT NULL,
      envelope    text NOT NULL,
      leaf_hash   bytea NOT NULL,
      bundle_id   bigint NOT NULL REFERENCES bundles (id),
      PRIMARY KEY (device_id, seq)
    );
    CREATE INDEX records_kind ON records (kind) WHERE kind IN ('technician.set', 'person.upserted');

    CREATE FUNCTION records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'imported records are append-only'; END;
    $$;
    CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records
      FOR EACH ROW EXECUTE FUNCTION records_append_only();
    CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records
      FOR EACH STATEMENT EXECUTE FUNCTION records_append_only();

    CREATE TABLE sealed_secrets (
      device_id text NOT NULL REFERENCES devices (device_id),
      file      text NOT NULL,
      sha256    text NOT NULL,
      data      bytea NOT NULL,
      bundle_id bigint NOT NULL REFERENCES bundles (id),
      PRIMARY KEY (device_id, file)
    );
  `,
};
