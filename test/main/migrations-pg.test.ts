import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PG_LATEST_VERSION, PG_MIGRATIONS } from "../../main/db/migrations/pg";

/**
 * SHA-256 of the SQL each released PostgreSQL migration runs (whitespace collapsed). Collector
 * databases out there ran exactly this SQL, so it must never change: add pg/NNN-name.ts and its line
 * here instead.
 */
const RELEASED: Record<number, string> = {
  1: "5de05ef2ec8012eae42a658c63a6c587a15d28f1196c00e8441f156d48592733", // evidence
  2: "7d32777b1cc95b58660cd6aaaa6097f566d63fd4eef662b2b29ef9377222a4ad", // collector-devices
  3: "1a14893a38be7af721765749901b4ddfe634a9bbd238c5f0ae6f4de2e91dc9d0", // upload-refusals
};

const normalise = (sql: string): string => sql.replace(/\s+/g, " ").trim();
const sqlHash = (sql: string): string => createHash("sha256").update(normalise(sql)).digest("hex");

describe("PostgreSQL migrations (the collector's schema)", () => {
  it("are numbered 1..n without gaps, with distinct names", () => {
    expect(PG_MIGRATIONS.map((m) => m.version)).toEqual(PG_MIGRATIONS.map((_m, i) => i + 1));
    expect(new Set(PG_MIGRATIONS.map((m) => m.name)).size).toBe(PG_MIGRATIONS.length);
    expect(PG_LATEST_VERSION).toBe(PG_MIGRATIONS.length);
  });

  it("released migrations still run exactly the SQL they were released with (frozen)", () => {
    for (const m of PG_MIGRATIONS) {
      expect(RELEASED[m.version], `pg migration ${m.version} (${m.name}) has no released hash: add its line to RELEASED once it is written`).toBeDefined();
      expect(sqlHash(m.sql), `pg migration ${m.version} (${m.name}) changed: never edit a released migration, add pg/NNN-name.ts`).toBe(RELEASED[m.version]);
    }
    expect(Object.keys(RELEASED).map(Number)).toEqual(PG_MIGRATIONS.map((m) => m.version));
  });
});
