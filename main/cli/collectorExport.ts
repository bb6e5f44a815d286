import { resolve } from "node:path";
import type { Command } from "commander";
import { exportDeviceChain, sqliteChainSource, type ChainSource, type DeviceExport } from "../collector/exportDevice";
import { openPostgresChainSource } from "../collector/pgRead";
import type { CliContext } from "./context";
import { json } from "./io";

interface ExportOpts {
  device: string;
  out: string;
  itDir?: string;
  database?: string;
  json?: boolean;
}

/**
 * `collector export --device ID --out FILE`: the chain IT's collector store holds for one device, as
 * a bundle in the laptop's format (docs/evidence-format.md) that `fieldproof verify` and the
 * openssl/Python recipes check. Reads only: no passphrase, nothing cosigned, no secret opened.
 */
export function registerCollectorExport(collector: Command, ctx: CliContext): void {
  const { io } = ctx;
  collector
    .command("export")
    .description("write the chain IT holds for one device to a bundle in the laptop's format (check it with fieldproof verify)")
    .requiredOption("--device <id>", "the device id, or its key fingerprint (SHA256:XXXX XXXX ...)")
    .requiredOption("--out <file>", "where to write the bundle (a new file)")
    .option("--it-dir <dir>", "IT's folder (or FIELDPROOF_IT_DIR); with --database, only to check IT's cosignature")
    .option("--database <url>", "read the collector's PostgreSQL database (or FIELDPROOF_DATABASE_URL) instead of the IT folder's SQLite store")
    .option("--json", "print the result as JSON")
    .action(async (opts: ExportOpts) => {
      const out = resolve(opts.out);
      const database = opts.database ?? process.env.FIELDPROOF_DATABASE_URL;
      const run = (source: ChainSource): Promise<DeviceExport> => exportDeviceChain({ source, device: opts.device, out, onProgress: (d, t, l) => io.progress(d, t, l) });
      let result: DeviceExport;
      if (database) {
        const source = await openPostgresChainSource(database, { itDir: opts.itDir ?? process.env.FIELDPROOF_IT_DIR });
        try {
          result = await run(source);
        } finally {
          await source.close();
        }
      } else {
        // The passphrase is never asked: nothing is cosigned or opened.
        result = await run(sqliteChainSource(ctx.openIt(opts.itDir)));
      }
      if (result.uncovered) {
        io.err(
          `fieldproof: IT holds seq ${result.uncovered.first}..${result.uncovered.last} of this device too, but the device signed no checkpoint that covers them ` +
            `(the last one covers ${result.treeSize} records), so they were not exported: nothing in the store proves them.`,
        );
      }
      if (opts.json) return io.out(json(result));
      io.out(
        `Wrote ${result.records} record(s), seq ${result.firstSeq}..${result.lastSeq}, of device "${result.device.name}" (${result.device.id}, key ${result.device.fingerprint}), ` +
          `${result.sealed} sealed secret(s), to ${result.path} (${result.bytes} bytes, sha256 ${result.sha256}).`,
      );
      const c = result.checkpoint.cosignature;
      io.out(
        `Root ${result.rootHash} over ${result.treeSize} records; checkpoint signed by the device, ` +
          (c.verified ? `cosigned by IT key ${c.keyName} at ${c.cosignedAt} (verified).` : `with IT's cosignature from the receipt, not checked: ${c.reason}.`),
      );
      if (result.uncovered) io.out(`Not exported: seq ${result.uncovered.first}..${result.uncovered.last} (IT holds ${result.heldRecords} records; no checkpoint the device signed covers the rest).`);
      io.out(`Check it anywhere: fieldproof verify ${result.path}`);
    });
}
