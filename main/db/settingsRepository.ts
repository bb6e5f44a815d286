import type { Database } from "better-sqlite3";

/** Small key/value settings that are not evidence (theme, window layout, device label). */
export class SettingsRepository {
  private readonly getStmt;
  private readonly setStmt;

  constructor(db: Database) {
    this.getStmt = db.prepare<[string], { value: string }>("SELECT value FROM settings WHERE key = ?");
    this.setStmt = db.prepare<[string, string]>(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
  }

  get(key: string): string | undefined {
    return this.getStmt.get(key)?.value;
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }
}
