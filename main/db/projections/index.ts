import type { Database } from "better-sqlite3";
import { isRecordKind, RecordData, type RecordKind } from "../../../shared/evidence";
import { evidenceHandlers } from "./evidence";
import { credentialHandlers } from "./credentials";
import { ownerHandlers } from "./owners";
import { plantHandlers } from "./plant";
import { rotationHandlers } from "./rotations";
import { CREDENTIAL_PROJECTION_TABLES, DEFAULT_CHECK_PROJECTION_TABLES, EVIDENCE_PROJECTION_TABLES, OWNER_PROJECTION_TABLES, PLANT_PROJECTION_TABLES, ROTATION_PROJECTION_TABLES } from "./schema";
import { StatementCache, type ProjectionContext, type ProjectionHandler } from "./types";

export type { ProjectionContext } from "./types";

const HANDLERS: { readonly [K in RecordKind]?: ProjectionHandler<never> } = {
  ...evidenceHandlers,
  ...plantHandlers,
  ...ownerHandlers,
  ...rotationHandlers,
  ...credentialHandlers,
};

/** All projection tables, children before parents (so they can be cleared in order). */
export const PROJECTION_TABLES: readonly string[] = [...DEFAULT_CHECK_PROJECTION_TABLES, ...CREDENTIAL_PROJECTION_TABLES, ...ROTATION_PROJECTION_TABLES, ...OWNER_PROJECTION_TABLES, ...PLANT_PROJECTION_TABLES, ...EVIDENCE_PROJECTION_TABLES];

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
