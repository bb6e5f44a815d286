import { pg001Evidence } from "./001-evidence";
import { pg002CollectorDevices } from "./002-collector-devices";
import { pg003UploadRefusals } from "./003-upload-refusals";
import type { PgMigration } from "./types";

export type { PgMigration } from "./types";

/**
 * The collector's PostgreSQL schema, numbered on its own (not the laptop's or the IT SQLite store's).
 * Frozen: each pg/NNN-name.ts holds inline the SQL it ran when released; to change the schema add the
 * next file, append it here and its hash to test/main/migrations-pg.test.ts; never edit a released one.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [pg001Evidence, pg002CollectorDevices, pg003UploadRefusals];

export const PG_LATEST_VERSION = PG_MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
