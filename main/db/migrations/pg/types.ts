/** A PostgreSQL migration: inline SQL run once, in one transaction, recorded in schema_version. */
export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
