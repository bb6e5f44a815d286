import type { Database } from "better-sqlite3";
import { isRecordKind, RecordData, type RecordKind } from "../../../shared/evidence";
import { evidenceHandlers } from "./evidence";
import { credentialHandlers } from "./credentials";
import { ownerHandlers } from "./owners";
import { plantHandlers } from "./plant";
import { rotationHandlers } from "./rotations";
import { StatementCache, type ProjectionContext, type ProjectionHandler } from "./types";

export type { ProjectionContext } from "./types";

const HANDLERS: { readonly [K in RecordKind]?: ProjectionHandler<never> } = {
  ...evidenceHandlers,
  ...plantHandlers,
  ...ownerHandlers,
  ...rotationHandlers,
  ...credentialHandlers,
};

/**
 * Projection tables: what the UI reads, derived only from journal records, so they can be cleared and
 * rebuilt. The laptop and the IT store have the same ones (IT merges several devices, hence device_id
 * everywhere) and run the same projection code, so IT sees what the technician saw. The migrations
 * create them (their SQL is frozen there); this is the list to clear, children before parents.
 */
export const PROJECTION_TABLES: readonly string[] = [
  "p_handovers", // 008-handovers
  "p_declared_accounts", // 007-real-controllers
  "p_default_checks", // 006-default-checks
  "p_credential_checks", // 005-credential-checks
  "p_rotations", // 003-plant
  "p_authority",
  "p_usages",
  "p_holders",
  "p_ownership",
  "p_people",
  "p_teams",
  "p_identity_controllers",
  "p_identities",
  "p_accounts",
  "p_controllers",
  "p_receipts", // 002-journal
  "p_it_trust",
  "p_technicians",
  "p_devices",
];

/** Applies records to the projection tables. The same code runs on the laptop and in IT's store. */
export class Projector {
  private readonly sql: StatementCache;
  constructor(db: Database) {
    this.sql = new StatementCache(db);
  }

  /** `data` must already be checked against RecordData[kind]; unknown kinds are kept in the journal but not projected. */
  apply(ctx: ProjectionContext, kind: string, data: unknown): void {
    if (!isRecordKind(kind)) return;
    const handler = HANDLERS[kind] as ProjectionHandler<unknown> | undefined;
    handler?.(this.sql, ctx, data);
  }

  /** Parses and applies (rebuild and IT import: the data comes from a payload). */
  applyParsed(ctx: ProjectionContext, kind: string, data: unknown): void {
    if (!isRecordKind(kind)) return;
    this.apply(ctx, kind, RecordData[kind].parse(data));
  }

  tables(): readonly string[] {
    return PROJECTION_TABLES;
  }

  clear(): void {
    for (const table of PROJECTION_TABLES) this.sql.run(`DELETE FROM ${table}`);
  }
}
