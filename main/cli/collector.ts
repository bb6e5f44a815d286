import { InvalidArgumentError, type Command } from "commander";
import { jsonLogger } from "../collector/log";
import { DEFAULT_MAX_BUNDLE_BYTES, parseListen, startCollector } from "../collector/server";
import { openPostgresStore } from "../collector/pgStore";
import { openSqliteStore, type CollectorStore } from "../collector/store";
import { syncOnce } from "../collector/sync";
import type { CliContext } from "./context";
import { json } from "./io";
import { initItFolder } from "./evidence";
import { passphraseFrom } from "./prompt";

export const DEFAULT_LISTEN = "127.0.0.1:8443";

/** `collector init|serve` (IT side) and `sync` (the laptop uploading to it). */
export function registerCollectorCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const collector = program.command("collector").description("IT side: the collector laptops sync their evidence to over the network");

  collector
    .command("init")
    .description("create IT's keys and evidence store for the collector (the same folder `fieldproof import` uses)")
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)")
    .option("--json", "print the result as JSON")
    .action(async (opts: { itDir?: string; json?: boolean }) => initItFolder(ctx, opts, (dir) => `Start the collector: fieldproof collector serve --it-dir ${dir}`));

  collector
    .command("serve")
    .description("run the collector until SIGTERM or Ctrl+C: GET /healthz, GET /metrics, POST /v1/bundles; logs JSON lines to stdout")
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)")
    .option("--listen <host:port>", "address to listen on", DEFAULT_LISTEN)
    .option("--enrol <fingerprint>", "enrol a new device on its first upload if its key has this fingerprint (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--max-bundle-mb <n>", "largest upload accepted, in MiB", parseMiB, DEFAULT_MAX_BUNDLE_BYTES / 1024 / 1024)
    .option("--database <url>", "keep the evidence in PostgreSQL (postgres://user@host:5432/db; or FIELDPROOF_DATABASE_URL) instead of the IT folder's SQLite store; password in PGPASSWORD or ~/.pgpass")
    .action(async (opts: { itDir?: string; listen: string; enrol: string[]; maxBundleMb: number; database?: string }) => {
      const dir = ctx.itDir(opts.itDir);
      const { host, port } = parseListen(opts.listen);
      const passphrase = await passphraseFrom("FIELDPROOF_IT_PASSPHRASE", "IT passphrase", false);
      const log = jsonLogger((line) => io.out(line.trimEnd()));
      const database = opts.database ?? process.env.FIELDPROOF_DATABASE_URL;
      let store: CollectorStore;
      if (database) {
        const pgStore = await openPostgresStore(dir, passphrase, database);
        log.info("store opened", { engine: "postgresql", database: pgStore.database });
        store = pgStore;
      } else {
        store = openSqliteStore(dir, passphrase);
        log.info("store opened", { engine: "sqlite", itDir: dir });
      }
      let server;
      try {
        server = await startCollector({ store, log, host, port, enrol: opts.enrol, maxBundleBytes: opts.maxBundleMb * 1024 * 1024 });
      } catch (error) {
        await store.close();
        throw error;
      }
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once("SIGTERM", () => resolve("SIGTERM"));
        process.once("SIGINT", () => resolve("SIGINT"));
      });
      log.info("signal received", { signal });
      await server.close();
    });

  program
    .command("sync")
    .description("send the records IT has not receipted yet to IT's collector, and apply the receipt it answers")
    .requiredOption("--collector <url>", "the collector's address, e.g. http://it-ws-01:8443")
    .option("--json", "print the result as JSON")
    .action(async (opts: { collector: string; json?: boolean }) => {
      await ctx.unlock();
      const result = await syncOnce(
        {
          pending: async () => (await ctx.invoke("evidence.summary", {})).recordsSinceReceipt,
          exportBundle: (path) => ctx.job("evidence.export", { path }, "evidence.exportResult"),
          importReceipt: (path) => ctx.invoke("evidence.importReceipt", { path }),
        },
        opts.collector,
      );
      if (opts.json) io.out(json(result));
      else if (result.status === "nothing-to-send") io.out("Nothing to sync: IT's last receipt covers every record on this laptop.");
      else
        io.out(
          `Synced ${result.sent.records} record(s), seq ${result.sent.firstSeq}..${result.sent.lastSeq}, to ${opts.collector}: ` +
            `${result.status === "imported" ? `${result.newRecords} new at IT` : "IT already held them"}; receipt ${result.receipt.status === "imported" ? "applied" : "already held"}, IT holds records 0..${result.treeSize - 1}.`,
        );
    });
}

function parseMiB(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 4096) throw new InvalidArgumentError("expected a whole number of MiB from 1 to 4096");
  return n;
}
