import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { readBundle } from "../evidence/bundleReader";
import { verifyBundle } from "../evidence/verifyBundle";
import type { ItTrustFile } from "../evidence/itKeys";
import { ItService } from "../services/itService";
import type { CliContext } from "./context";
import { json } from "./io";
import { passphraseFrom } from "./prompt";

/** export, verify, import, it init/trust, receipt import, rebuild, records. */
export function registerEvidenceCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;

  program
    .command("export")
    .description("write the records IT has not receipted yet to a bundle (a tar file) for IT")
    .requiredOption("--out <file>", "where to write the bundle (e.g. /media/usb/fieldproof.tar)")
    .option("--from <seq>", "first record to include (default: after IT's last receipt)", parseSeq)
    .option("--json", "print the result as JSON")
    .action(async (opts: { out: string; from?: number; json?: boolean }) => {
      await ctx.unlock();
      const summary = await ctx.job("evidence.export", { path: resolve(opts.out), fromSeq: opts.from }, "evidence.exportResult");
      if (opts.json) io.out(json(summary));
      else io.out(`Wrote ${summary.records} record(s), seq ${summary.firstSeq}..${summary.lastSeq}, ${summary.sealed} sealed secret(s), to ${summary.path} (${summary.bytes} bytes, sha256 ${summary.sha256}).`);
    });

  program
    .command("verify <bundle>")
    .description("check a bundle's signatures, chain, Merkle root and checkpoint (exit 0 only if valid)")
    .option("--json", "print the report as JSON")
    .action(async (path: string, opts: { json?: boolean }) => {
      const bundle = await readBundle(resolve(path));
      const result = await verifyBundle(bundle, { onProgress: (d, t, l) => io.progress(d, t, l) });
      const m = bundle.manifest;
      if (opts.json) {
        io.out(json({ valid: result.ok, device: m.device, range: m.range, treeSize: m.treeSize, rootHash: m.rootHash, checks: result.checks }));
      } else {
        io.out(`Bundle from ${m.device.name} (${m.device.id}), key ${m.device.fingerprint}`);
        io.out(`Records ${m.range.first}..${m.range.last} of a log of ${m.treeSize}; created ${m.createdAt} by Fieldproof ${m.appVersion}`);
        for (const check of result.checks) io.out(`  ${check.ok ? "ok  " : "FAIL"} ${check.name}: ${check.detail}`);
        io.out(result.ok ? "VALID" : "INVALID");
      }
      if (!result.ok) ctx.exitCode = 1;
    });

  program
    .command("import <bundle>")
    .description("IT side: verify a bundle against the enrolled device and apply it to IT's store, then write a receipt")
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)")
    .option("--enrol <fingerprint>", "enrol a new device after comparing this fingerprint with the laptop's")
    .option("--receipt-out <file>", "where to write the receipt (default: next to the bundle, .receipt)")
    .option("--json", "print the result as JSON")
    .action(async (path: string, opts: { itDir?: string; enrol?: string; receiptOut?: string; json?: boolean }) => {
      const it = ctx.openIt(opts.itDir);
      const result = await it.import(resolve(path), {
        enrolFingerprint: opts.enrol,
        receiptOut: opts.receiptOut ? resolve(opts.receiptOut) : undefined,
        onProgress: (d, t, l) => io.progress(d, t, l),
      });
      if (opts.json) io.out(json(result));
      else {
        io.out(
          result.status === "imported"
            ? `Imported ${result.newRecords} new record(s) from ${result.deviceName} (device key ${result.deviceFingerprint})${result.enrolled ? " (device enrolled)" : ""}; IT now holds seq 0..${result.treeSize - 1}.`
            : `Already imported from ${result.deviceName} (device key ${result.deviceFingerprint}): IT holds every record of this bundle (seq 0..${result.treeSize - 1}). Nothing changed.`,
        );
        for (const file of result.sealedFiles) io.out(`Sealed secret: ${file} (open with: age -d -i ${it.itDir}/it-identity.txt ${file})`);
        io.out(`Receipt: ${result.receiptPath} (take it back to the laptop: fieldproof receipt import)`);
      }
    });

  const itCmd = program.command("it").description("IT's keys: create them, or install their public part on a laptop");
  itCmd
    .command("init")
    .description("create IT's cosigning key, age identity and evidence store")
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR)")
    .option("--json", "print the result as JSON")
    .action(async (opts: { itDir?: string; json?: boolean }) => initItFolder(ctx, opts));
  itCmd
    .command("trust <file>")
    .description("on a laptop: trust IT's public keys from it-public.json")
    .option("--replace", "replace a different IT key already trusted")
    .action(async (file: string, opts: { replace?: boolean }) => {
      await ctx.unlock();
      const result = await ctx.invoke("evidence.trustIt", { path: resolve(file), replace: opts.replace === true });
      io.out(`Trusting IT key ${result.keyName} (${result.fingerprint}); new secrets will be sealed to ${result.ageRecipient}.`);
      io.out(result.collectorPin ? `IT's collector certificate pinned: ${result.collectorPin}.` : "The file names no collector: sync by USB (fieldproof export), or ask IT for it-public.json from `fieldproof collector init`.");
      if (result.collectorAddressSet) io.out(`Collector address set from the file: ${result.collectorAddress} (fieldproof sync sends there; the app syncs there by itself).`);
      else if (result.collectorAddress) io.out(`The file names the collector at ${result.collectorAddress}; this laptop keeps the address it has.`);
    });

  const receipt = program.command("receipt").description("IT's receipts");
  receipt
    .command("import <file>")
    .description("import IT's receipt so the laptop knows what IT holds; the next export starts after it")
    .action(async (file: string) => {
      await ctx.unlock();
      const result = await ctx.invoke("evidence.importReceipt", { path: resolve(file) });
      io.out(
        result.status === "imported"
          ? `Receipt imported: IT holds records 0..${result.treeSize - 1} (cosigned ${result.cosignedAt}).`
          : `Already known: IT holds records 0..${result.treeSize - 1}. Nothing changed.`,
      );
    });

  program
    .command("rebuild")
    .description("rebuild every table the app shows from the signed journal")
    .action(async () => {
      // Not a window's use case (the app rebuilds nothing on request): the service directly.
      const result = await ctx.services().evidence.rebuild((done, total) => io.progress(done, total, "replaying records"));
      io.out(`Rebuilt the projections from ${result.records} record(s).`);
    });

  program
    .command("records")
    .description("list the journal's records, newest first")
    .option("--limit <n>", "how many (1-500)", (v) => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < 1 || n > 500) throw new InvalidArgumentError("expected a whole number from 1 to 500");
      return n;
    }, 20)
    .option("--json", "print as JSON")
    .action(async (opts: { limit: number; json?: boolean }) => {
      const page = await ctx.invoke("evidence.records", { offset: 0, limit: opts.limit });
      if (opts.json) io.out(json(page));
      else for (const r of page.records) io.out(`${String(r.seq).padStart(6)}  ${r.recordedAt}  ${r.kind.padEnd(20)} ${r.subject}${r.receipted ? "" : "  (not yet receipted)"}`);
    });
}

function parseSeq(value: string): number {
  const n = Number.parseInt(value, 10);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected a record number (0, 1, 2...), got "${value}"`);
  return n;
}

/** `it init` and `collector init`: IT's keys, age identity and store, and what to do with them. `next`: one more line to say. */
export async function initItFolder(
  ctx: CliContext,
  opts: { itDir?: string; json?: boolean },
  next?: (dir: string) => string,
  extend?: (dir: string, passphrase: string) => Promise<Record<string, unknown>>,
): Promise<void> {
  const dir = ctx.itDir(opts.itDir);
  const passphrase = await passphraseFrom("FIELDPROOF_IT_PASSPHRASE", "IT passphrase", true);
  const { files } = await ItService.init(dir, passphrase);
  const extra = extend ? await extend(dir, passphrase) : {};
  // The trust file as written last (the collector adds its certificate's pin to it).
  const trust = JSON.parse(readFileSync(files.trust, "utf8")) as ItTrustFile;
  if (opts.json) return ctx.io.out(json({ trust, files, ...extra }));
  ctx.io.out(`IT key ${trust.keyName}, fingerprint ${trust.fingerprint}`);
  ctx.io.out(`age recipient ${trust.ageRecipient}`);
  ctx.io.out(`Store: ${files.store}`);
  ctx.io.out(`age identity (keep it safe, it opens sealed secrets): ${files.identity}`);
  ctx.io.out(`Give laptops this file: ${files.trust}  (fieldproof it trust ${files.trust})`);
  if (next) ctx.io.out(next(dir));
}
