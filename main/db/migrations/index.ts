import type { Database } from "better-sqlite3";
import { m001Settings } from "./001-settings";
import { m002Journal } from "./002-journal";
import { m003Plant } from "./003-plant";
import { m004RotationBatches } from "./004-rotation-batches";
import { m005CredentialChecks } from "./005-credential-checks";
import { m006DefaultChecks } from "./006-default-checks";

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database) => void;
}

/** Numbered, append-only. Never edit a released migration: add the next one. */
export const MIGRATIONS: readonly Migration[] = [m001Settings, m002Journal, m003Plant, m004RotationBatches, m005CredentialChecks, m006DefaultChecks];

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);
