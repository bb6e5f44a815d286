import type { Database } from "better-sqlite3";

/** Rows of the laptop's vault; the values are already sealed when they get here. */
export class VaultRepository {
  constructor(private readonly db: Database) {}

  key(): { protectedKey: string; protector: string } | undefined {
    const row = this.db.prepare<[], { protected_key: string; protector: string }>("SELECT protected_key, protector FROM vault_key WHERE singleton = 1").get();
    return row ? { protectedKey: row.protected_key, protector: row.protector } : undefined;
  }

  setKey(protectedKey: string, protector: string): void {
    this.db.prepare("INSERT INTO vault_key (singleton, protected_key, protector) VALUES (1, ?, ?)").run(protectedKey, protector);
  }

  get(ref: string): string | undefined {
    return this.db.prepare<[string], { sealed: string }>("SELECT sealed FROM vault WHERE ref = ?").get(ref)?.sealed;
  }

  put(ref: string, sealed: string, at: string): void {
    this.db
      .prepare("INSERT INTO vault (ref, sealed, updated_at) VALUES (?, ?, ?) ON CONFLICT(ref) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at")
      .run(ref, sealed, at);
  }

  delete(ref: string): void {
    this.db.prepare("DELETE FROM vault WHERE ref = ?").run(ref);
  }

  refs(prefix: string): string[] {
    return this.db
      .prepare<[string, string], { ref: string }>("SELECT ref FROM vault WHERE substr(ref, 1, length(?)) = ? ORDER BY ref")
      .all(prefix, prefix)
      .map((r) => r.ref);
  }
}
