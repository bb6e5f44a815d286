import type { Database } from "better-sqlite3";

/** Small key/value settings that are not evidence (theme, window layout, device label). */
export class SettingsRepository {
  private readonly getStmt;
  private readonly setStmt;
  private readonly prefixStmt;

  constructor(db: Database) {
    this.getStmt = db.prepare<[string], { value: string }>("SELECT value FROM settings WHERE key = ?");
    this.setStmt = db.prepare<[string, string]>(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
    // substr, not LIKE: a prefix with _ or % in it means itself.
    this.prefixStmt = db.prepare<[string, string], { key: string; value: string }>("SELECT key, value FROM settings WHERE substr(key, 1, length(?)) = ? ORDER BY key");
  }

  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }

  /** Every setting whose key starts with `prefix`, by key. */
  entries(prefix: string): Array<[string, string]> {
    return this.prefixStmt.all(prefix, prefix).map((r) => [r.key, r.value]);
  }
}
