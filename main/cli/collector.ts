import { InvalidArgumentError, type Command } from "commander";
import { jsonLogger } from "../collector/log";
import { DEFAULT_HEADERS_TIMEOUT_MS, DEFAULT_MAX_BUNDLE_BYTES, DEFAULT_MAX_CONNECTIONS, DEFAULT_REQUEST_TIMEOUT_MS, parseListen, startCollector } from "../collector/server";
import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import type { CollectorDevice, SyncStatus } from "../../shared/contract";
import type { CollectorDoor } from "../collector/door";
import { openPostgresDoor, openPostgresStore, redactDatabaseUrl } from "../collector/pgStore";
import { collectorStatus, statusLines } from "../collector/status";
import { openSqliteStore, sqliteDoor, type CollectorStore } from "../collector/store";
import { formatPin } from "../evidence/tls";
import { IT_STORE_FILE, ItService } from "../services/itService";
import { syncOnce } from "../collector/sync";
import { collectorOrigin, REAL_TIMERS, SyncService } from "../services/syncService";
import type { Services } from "../services";
import { AppError } from "../../shared/domain/errors";
import { registerCollectorExport } from "./collectorExport";
import type { CliContext } from "./context";
import { json } from "./io";
import { initItFolder } from "./evidence";
import { passphraseFrom } from "./prompt";

export const DEFAULT_LISTEN = "127.0.0.1:8443";

/** `collector init|serve` (IT side) and `sync` (the laptop uploading to it). */
export function registerCollectorCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const collector = program.command("collector").description("IT side: the collector laptops sync their evidence to over the network");
  registerCollectorExport(collector, ctx);

  collector
    .command("init")
    .description("create IT's keys, evidence store and the collector's HTTPS certificate (in an IT folder made by `it init`, adds the certificate only)")
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)")
    .option("--hostname <name>", "a name laptops reach the collector by, put in its certificate (repeatable; the pin, not the name, is checked)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--address <url>", "where laptops reach the collector (https://host:port), written into it-public.json so a laptop that trusts it needs no typing; kept when not given again", parseAddress)
    .option("--json", "print the result as JSON")
    .action(async (opts: { itDir?: string; hostname: string[]; address?: string; json?: boolean }) => {
      const dir = ctx.itDir(opts.itDir);
      const addTls = async (itDir: string, passphrase: string): Promise<Awaited<ReturnType<ItService["addCollectorTls"]>>> => {
        const it = ItService.open(itDir, async () => passphrase);
        try {
          return await it.addCollectorTls(opts.hostname, opts.address);
        } finally {
          await it.close();
        }
      };
      const say = (tls: Awaited<ReturnType<typeof addTls>>): string =>
        `Collector certificate ${tls.created ? "made" : "kept"}: ${tls.certificate} (laptops pin ${formatPin(tls.sha256)}${tls.address ? `; its address for laptops: ${tls.address}` : ""}). ` +
        `Give laptops the new ${tls.trust} (fieldproof it trust), then start it: fieldproof collector serve --it-dir ${dir}`;
      if (!existsSync(join(dir, IT_STORE_FILE))) {
        let made: Awaited<ReturnType<typeof addTls>> | undefined;
        await initItFolder(ctx, opts, () => say(made!), async (itDir, passphrase) => {
          made = await addTls(itDir, passphrase);
          return { collector: { certificate: made.certificate, sha256: made.sha256, pin: formatPin(made.sha256) } };
        });
        return;
      }
      const passphrase = await passphraseFrom("FIELDPROOF_IT_PASSPHRASE", "IT passphrase", false);
      const tls = await addTls(dir, passphrase);
      if (opts.json) io.out(json({ collector: { ...tls, pin: formatPin(tls.sha256) } }));
      else io.out(`IT folder ${dir} already holds IT's keys; kept them. ${say(tls)}`);
    });

  collector
    .command("serve")
    .description("run the collector (HTTPS) until SIGTERM or Ctrl+C: GET /healthz, GET /metrics, GET /v1/state, POST /v1/bundles; logs JSON lines to stdout")
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)")
    .option("--listen <host:port>", "address to listen on", DEFAULT_LISTEN)
    .option("--enrol <fingerprint>", "approve this device key fingerprint at start, as `collector devices approve` does (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--max-bundle-mb <n>", "largest upload accepted, in MiB", parseMiB, DEFAULT_MAX_BUNDLE_BYTES / 1024 / 1024)
    .option("--database <url>", "keep the evidence in PostgreSQL (postgres://user@host:5432/db; or FIELDPROOF_DATABASE_URL) instead of the IT folder's SQLite store; password in PGPASSWORD or ~/.pgpass")
    .option("--headers-timeout <s>", "seconds a client has for the TLS handshake and then for a request's headers", parseWhole("seconds", 1, 3600), DEFAULT_HEADERS_TIMEOUT_MS / 1000)
    .option("--request-timeout <s>", "seconds a client has to send a whole request, body included (answered 408 and cut off after)", parseWhole("seconds", 1, 86_400), DEFAULT_REQUEST_TIMEOUT_MS / 1000)
    .option("--max-connections <n>", "connections held at once; more are closed as they arrive", parseWhole("connections", 1, 1_000_000), DEFAULT_MAX_CONNECTIONS)
    .option("--spool-dir <dir>", "folder uploads are kept in while they are checked (default: the OS temp folder); needs room for the largest upload")
    .action(async (opts: { itDir?: string; listen: string; enrol: string[]; maxBundleMb: number; database?: string; headersTimeout: number; requestTimeout: number; maxConnections: number; spoolDir?: string }) => {
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
        const tls = await store.tls();
        log.info("https certificate", { pin: formatPin(tls.sha256) });
        server = await startCollector({
          store,
          log,
          host,
          port,
          enrol: opts.enrol,
          maxBundleBytes: opts.maxBundleMb * 1024 * 1024,
          tls,
          headersTimeoutMs: opts.headersTimeout * 1000,
          requestTimeoutMs: opts.requestTimeout * 1000,
          maxConnections: opts.maxConnections,
          ...(opts.spoolDir ? { spoolDir: opts.spoolDir } : {}),
        });
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

  const devices = collector.command("devices").description("the laptops that reached the collector: approve a new one by its fingerprint, revoke one");
  const storeOpts = (c: Command): Command =>
    c.option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)").option("--database <url>", "the collector's PostgreSQL (or FIELDPROOF_DATABASE_URL); default: the IT folder's SQLite store");
  const withDoor = async <T>(opts: { itDir?: string; database?: string }, use: (door: CollectorDoor) => Promise<T>): Promise<T> => {
    const database = opts.database ?? process.env.FIELDPROOF_DATABASE_URL;
    if (database) {
      const pgDoor = await openPostgresDoor(database);
      try {
        return await use(pgDoor.door);
      } finally {
        await pgDoor.close();
      }
    }
    const it = ItService.open(ctx.itDir(opts.itDir), () => Promise.reject(new Error("not needed")));
    try {
      return await use(sqliteDoor(it));
    } finally {
      await it.close();
    }
  };
  const operator = (): string => process.env.FIELDPROOF_OPERATOR ?? userInfo().username;
  const line = (d: CollectorDevice): string =>
    `${d.status.padEnd(8)} ${d.fingerprint}  ${d.name}${d.deviceId ? ` (${d.deviceId})` : ""}  records ${d.recordsHeld}` +
    `${d.lastImportAt ? `, last import ${d.lastImportAt}` : ""}${d.lastSeenAt ? `, last seen ${d.lastSeenAt}` : ""}${d.quarantined ? `, ${d.quarantined} upload(s) kept apart after revocation` : ""}${d.forks ? `, FORK: ${d.forks} upload(s) with a different history kept as evidence` : ""}`;

  storeOpts(devices.command("list").description("every device key that knocked or is enrolled, with its status"))
    .option("--json", "print the list as JSON")
    .action(async (opts: { itDir?: string; database?: string; json?: boolean }) => {
      const list = await withDoor(opts, async (door) => door.list());
      if (opts.json) return io.out(json(list));
      if (list.length === 0) return io.out("No laptop has reached this collector yet.");
      for (const d of list) io.out(line(d));
      const pending = list.filter((d) => d.status === "pending");
      if (pending.length) io.out(`${pending.length} waiting: compare each fingerprint with the laptop's Settings › IT collector, then: fieldproof collector devices approve "FINGERPRINT"`);
    });

  storeOpts(collector.command("status").description("what IT's collector store holds of every laptop: records, last sync, gaps, forks, who waits for approval"))
    .option("--json", "print the status as JSON")
    .action(async (opts: { itDir?: string; database?: string; json?: boolean }) => {
      const database = opts.database ?? process.env.FIELDPROOF_DATABASE_URL;
      const label = database ? `PostgreSQL ${redactDatabaseUrl(database)}` : `SQLite ${join(ctx.itDir(opts.itDir), IT_STORE_FILE)}`;
      const status = collectorStatus(label, await withDoor(opts, async (door) => door.list()));
      if (opts.json) return io.out(json(status));
      for (const l of statusLines(status)) io.out(l);
    });

  storeOpts(devices.command("approve <fingerprint>").description("let the laptop with this device key fingerprint upload (compare it with the laptop first)"))
    .action(async (fingerprint: string, opts: { itDir?: string; database?: string }) => {
      const d = await withDoor(opts, (door) => door.approve(fingerprint, operator(), new Date().toISOString()));
      io.out(`Approved ${d.fingerprint} (${d.name}). Its next sync is accepted.`);
    });

  storeOpts(devices.command("revoke <device>").description("refuse a laptop from now on (device id or key fingerprint); what it sends is kept apart, what IT holds stays"))
    .action(async (device: string, opts: { itDir?: string; database?: string }) => {
      const d = await withDoor(opts, (door) => door.revoke(device, operator(), new Date().toISOString()));
      io.out(`Revoked ${d.fingerprint} (${d.name}${d.deviceId ? `, ${d.deviceId}` : ""}). IT keeps the ${d.recordsHeld} record(s) it held; later uploads are refused and kept apart.`);
    });

  program
    .command("sync")
    .description("send the records IT has not receipted yet to IT's collector and apply the receipt it answers; with --once one sync, else it goes on probing (as the app does) until Ctrl+C")
    .option("--collector <url>", "the collector's address, e.g. https://it-ws-01:8443 (its certificate is pinned by IT's trust file); default: the laptop's (Settings, or the one IT's trust file named)")
    .option("--once", "sync once and exit (exit code 0 only when IT holds every record)")
    .option("--every <s>", "without --once: seconds between probes while the collector answers (doubling up to 5 minutes after failures)", parseWhole("seconds", 1, 3600), 15)
    .option("--json", "print the result as JSON (with --once)")
    .action(async (opts: { collector?: string; once?: boolean; every: number; json?: boolean }) => {
      await ctx.unlock();
      const services = ctx.services();
      const url = opts.collector ? collectorOrigin(opts.collector) : services.settings.collectorUrl();
      if (!url) {
        throw new AppError(
          "PRECONDITION_FAILED",
          "No collector address: give --collector https://HOST:PORT, set it in the app's Settings › IT collector, or install an it-public.json that names it (fieldproof it trust; IT: collector init --address). The evidence stays on this laptop; fieldproof export writes it for USB.",
        );
      }
      if (opts.once) {
        const result = await syncOnce(services.evidence.syncPort(), url, {
          onProgress: opts.json ? undefined : (done, total) => io.progress(done, total, "records at IT"),
        });
        if (opts.json) io.out(json(result));
        else if (result.status === "nothing-to-send") io.out("Nothing to sync: IT's last receipt covers every record on this laptop.");
        else
          io.out(
            `Synced ${result.sent.records} record(s), seq ${result.sent.firstSeq}..${result.sent.lastSeq}, to ${url} in ${result.sent.chunks} upload(s): ` +
              `${result.status === "imported" ? `${result.newRecords} new at IT` : "IT already held them"}; receipt ${result.receipt.status === "imported" ? "applied" : "already held"}, IT holds records 0..${result.treeSize - 1}.`,
          );
        return;
      }
      if (opts.json) throw new AppError("INVALID_REQUEST", "--json goes with --once (a watching sync prints a line per change).");
      await watchSync(services, url, opts.every * 1000, (line) => io.out(line));
    });
}

/**
 * `fieldproof sync` without --once: the app's automatic sync (the same SyncService: probe, sync when
 * records wait, back-off with jitter) on a terminal, a line per change, until SIGINT or SIGTERM; a
 * sync in flight finishes first (its receipt is applied or was never sent).
 */
async function watchSync(services: Services, url: string, probeMs: number, out: (line: string) => void): Promise<void> {
  const sync = new SyncService({
    collectorUrl: () => url,
    setCollectorUrl: () => undefined,
    laptop: services.evidence.syncPort(),
    now: () => new Date(),
    timers: REAL_TIMERS,
    probeMs,
    maxProbeMs: Math.max(probeMs, 300_000),
    random: Math.random,
  });
  out(`Watching ${url}: syncing whenever it answers and records wait; Ctrl+C stops.`);
  let last = "";
  const show = (): void => {
    const line = watchLine(sync.status());
    if (line !== last) out(`${new Date().toISOString()} ${line}`);
    last = line;
  };
  // Also what keeps the process alive: the probe timers do not.
  const ticker = setInterval(show, 200);
  sync.start();
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  await sync.stop();
  show();
  clearInterval(ticker);
  out(`Stopped (${signal}).`);
}

function watchLine(s: SyncStatus): string {
  const waiting = `${s.recordsWaiting} record(s) waiting`;
  switch (s.state) {
    case "off":
    case "paused":
    case "idle":
      return "checking the collector…";
    case "syncing":
      return s.progress && s.progress.total > 0 ? `syncing: IT holds ${s.progress.done}/${s.progress.total} records…` : `syncing ${s.recordsWaiting} record(s)…`;
    case "in-sync":
      return `in sync: IT's receipt covers every record (last sync ${s.lastSyncAt ?? "now"})`;
    case "unreachable":
      return `not reachable since ${s.since ?? "now"} (${waiting}): ${s.message ?? ""}`.trimEnd();
    case "refused":
      return `refused (${s.reason ?? "unknown"}; ${waiting}): ${s.message ?? ""}`.trimEnd();
  }
}

function parseAddress(value: string): string {
  try {
    return collectorOrigin(value, "--address");
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

function parseMiB(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 4096) throw new InvalidArgumentError("expected a whole number of MiB from 1 to 4096");
  return n;
}

function parseWhole(unit: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number of ${unit} from ${min} to ${max}`);
    return n;
  };
}
