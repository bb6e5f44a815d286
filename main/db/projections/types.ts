import type { Database, Statement } from "better-sqlite3";

export interface ProjectionContext {
  readonly deviceId: string;
  readonly seq: number;
  readonly recordedAt: string;
}

/** Prepared statements are cached per database: the projection runs once per record appended. */
export class StatementCache {
  private readonly cache = new Map<string, Statement>();
  constructor(readonly db: Database) {}

  run(sql: string, ...params: unknown[]): void {
    this.get(sql).run(...params);
  }

  /** The first row of a query, or undefined. */
  one<R>(sql: string, ...params: unknown[]): R | undefined {
    return this.get(sql).get(...params) as R | undefined;
  }

  get(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }
}

export type ProjectionHandler<D> = (sql: StatementCache, ctx: ProjectionContext, data: D) => void;
