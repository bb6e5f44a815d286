import type { Database } from "better-sqlite3";
import { m001Settings } from "./001-settings";
import { m002Journal } from "./002-journal";
import { m003Plant } from "./003-plant";
import { m004RotationBatches } from "./004-rotation-batches";
import { m005CredentialChecks } from "./005-credential-checks";
import { m006DefaultChecks } from "./006-default-checks";
import { m007RealControllers } from "./007-real-controllers";
import { m008Handovers } from "./008-handovers";
import { m009CollectorPin } from "./009-collector-pin";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database) => void;
}

/**
 * Numbered, append-only, frozen: each NNN-name.ts holds inline the exact SQL it ran when released and
 * imports nothing but other frozen migration files, and test/main/migrations.test.ts keeps a SHA-256 of
 * that SQL. To change the schema, add the next file, append it here (IT: it/NNN-name.ts and it.ts) and
 * its hash to the test; never edit a released one (the hash test fails: add a new migration instead).
 */
export const MIGRATIONS: readonly Migration[] = [m001Settings, m002Journal, m003Plant, m004RotationBatches, m005CredentialChecks, m006DefaultChecks, m007RealControllers, m008Handovers, m009CollectorPin];

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
