import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBundle } from "../../main/evidence/bundleReader";
import { checkpointText, parseCheckpointText, parseNote, signNote } from "../../main/evidence/note";
import { verifyBundle } from "../../main/evidence/verifyBundle";
import type { ItService } from "../../main/services/itService";
import { appendRecords, initIt, openLaptop, type ItSide, type Laptop } from "../support/evidence";
import { readEntries, writeEntries, type RawEntry } from "../support/tar";
import { tempDir } from "../support/tempDir";

describe("bundles: export, verify, import, receipt", () => {
  let laptop: Laptop;
  let itSide: ItSide;
  let work: ReturnType<typeof tempDir>;
  let good: string;
  let fingerprint: string;

  beforeAll(async () => {
    laptop = openLaptop();
    itSide = await initIt();
    work = tempDir("fieldproof-bundles-");
    await laptop.services.evidence.trustIt(itSide.trustPath, false);
    appendRecords(laptop.services, 8);
    good = join(work.path, "first.tar");
    await laptop.services.evidence.export(good, undefined);
    fingerprint = laptop.services.identity.status().fingerprint!;
  });
  afterAll(async () => {
    await laptop.close();
    laptop.dir.cleanup();
    itSide.dir.cleanup();
    work.cleanup();
  });

  /** Copies the good bundle with its entries changed by `edit`, returns the new path. */
  async function tampered(name: string, edit: (entries: RawEntry[]) => RawEntry[] | void): Promise<string> {
    const entries = await readEntries(good);
    const out = join(work.path, `${name}.tar`);
    await writeEntries(out, edit(entries) ?? entries);
    return out;
  }

  function editRecords(entries: RawEntry[], edit: (lines: string[]) => string[]): void {
    const records = entries.find((e) => e.name === "records.jsonl")!;
    const lines = records.data.toString().trimEnd().split("\n");
    records.data = Buffer.from(`${edit(lines).join("\n")}\n`);
  }

  /** Import must fail with `message`, leaving IT's store byte-for-byte as it was. */
  async function expectRejected(path: string, message: RegExp, options: { enrol?: boolean } = {}): Promise<void> {
    const it: ItService = itSide.open();
    try {
      const before = it.repo.contentDigest();
      await expect(it.import(path, { enrolFingerprint: options.enrol === false ? undefined : fingerprint })).rejects.toThrow(message);
      expect(it.repo.contentDigest()).toBe(before);
    } finally {
      await it.close();
    }
  }

  it("writes a tar with records, checkpoint, device key and manifest", async () => {
    const names = (await readEntries(good)).map((e) => e.name).sort();
    expect(names).toEqual(["checkpoint", "device.pem", "manifest.json", "records.jsonl"]);
    const bundle = await readBundle(good);
    expect(bundle.manifest.range).toEqual({ first: 0, last: 9 });
    expect(bundle.envelopes).toHaveLength(10);
    expect(parseCheckpointText(parseNote(bundle.checkpoint).text).size).toBe(10);
  });

  it("verifies standalone with every check passing", async () => {
    const result = await verifyBundle(await readBundle(good));
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual(["manifest", "device key", "signatures", "statements", "chain", "merkle", "checkpoint", "sealed secrets"]);
  });

  it("flags a flipped byte in a payload, naming the record", async () => {
    const path = await tampered("payload-flip", (entries) =>
      editRecords(entries, (lines) => {
        const env = JSON.parse(lines[4]!) as { payload: string };
        const payload = Buffer.from(env.payload, "base64");
        payload[payload.length - 5]! ^= 0x01;
        env.payload = payload.toString("base64");
        lines[4] = JSON.stringify(env);
        return lines;
      }),
    );
    await expectRejected(path, /signatures.*line 5 \(seq 4\).*altered/);
  });

  it("flags a flipped byte in a signature", async () => {
    const path = await tampered("sig-flip", (entries) =>
      editRecords(entries, (lines) => {
        const env = JSON.parse(lines[2]!) as { signatures: { sig: string }[] };
        const sig = Buffer.from(env.signatures[0]!.sig, "base64");
        sig[10]! ^= 0x80;
        env.signatures[0]!.sig = sig.toString("base64");
        lines[2] = JSON.stringify(env);
        return lines;
      }),
    );
    await expectRejected(path, /signature of the record at line 3 \(seq 2\) does not verify/);
  });

  it("flags a dropped record", async () => {
    const path = await tampered("dropped", (entries) => editRecords(entries, (lines) => lines.filter((_, i) => i !== 6)));
    await expectRejected(path, /holds 9: records were dropped or added/);
  });

  it("flags reordered records", async () => {
    const path = await tampered("reordered", (entries) => editRecords(entries, (lines) => [...lines.slice(0, 3), lines[4]!, lines[3]!, ...lines.slice(5)]));
    await expectRejected(path, /line 4 has seq 4 where seq 3 belongs: a record was dropped, reordered or duplicated/);
  });

  it("flags a duplicated record", async () => {
    const path = await tampered("duplicated", (entries) => editRecords(entries, (lines) => [...lines.slice(0, 6), lines[5]!, ...lines.slice(7)]));
    await expectRejected(path, /line 7 has seq 5 where seq 6 belongs/);
  });

  it("reports an empty file, a truncated file and a file that is not a tar", async () => {
    const empty = join(work.path, "empty.tar");
    writeFileSync(empty, "");
    await expectRejected(empty, /file is empty/);
    const bytes = readFileSync(good);
    const truncated = join(work.path, "truncated.tar");
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectRejected(truncated, /truncated/);
    const notTar = join(work.path, "notes.tar");
    writeFileSync(notTar, "Shift notes: rotated maint on line 2.\n".repeat(100));
    await expectRejected(notTar, /not a tar file/);
  });

  it("refuses tar entries with .. or absolute paths, links and unexpected files", async () => {
    await expectRejected(await tampered("dotdot", (e) => [...e, { name: "../../etc/cron.d/evil", data: Buffer.from("x") }]), /"\.\."/);
    await expectRejected(await tampered("absolute", (e) => [...e, { name: "/etc/passwd", data: Buffer.from("x") }]), /absolute path/);
    await expectRejected(await tampered("symlink", (e) => [...e, { name: "sealed/x.age", data: Buffer.alloc(0), type: "symlink", linkname: "/etc/shadow" }]), /symlink/);
    await expectRejected(await tampered("extra", (e) => [...e, { name: "run-me.sh", data: Buffer.from("x") }]), /unexpected entry "run-me.sh"/);
    await expectRejected(await tampered("twice", (e) => [...e, { name: "checkpoint", data: Buffer.from("x") }]), /appears twice/);
  });

  it("refuses an oversized entry before reading it", async () => {
    await expectRejected(await tampered("oversized", (e) => [...e, { name: "sealed/huge.age", data: Buffer.alloc(70 * 1024) }]), /more than the 65536-byte limit/);
  });

  it("refuses a checkpoint with a bad signature or a wrong root", async () => {
    const badSig = await tampered("cp-sig", (entries) => {
      const cp = entries.find((e) => e.name === "checkpoint")!;
      const text = cp.data.toString();
      const sigStart = text.lastIndexOf(" ") + 1;
      const sig = Buffer.from(text.slice(sigStart).trim(), "base64");
      sig[20]! ^= 1;
      cp.data = Buffer.from(`${text.slice(0, sigStart)}${sig.toString("base64")}\n`);
    });
    await expectRejected(badSig, /checkpoint's device signature does not verify/);
    const device = laptop.services.identity.ensureDevice();
    const origin = `fieldproof/device/${device.id}`;
    const wrongRoot = await tampered("cp-root", (entries) => {
      const cp = entries.find((e) => e.name === "checkpoint")!;
      cp.data = Buffer.from(signNote(checkpointText({ origin, size: 10, rootHash: Buffer.alloc(32, 9) }), origin, device.signer.key));
    });
    await expectRejected(wrongRoot, /Merkle root recomputed from the records does not match the signed checkpoint/);
  });

  it("requires explicit enrolment of an unknown device, showing its fingerprint", async () => {
    await expectRejected(good, new RegExp(`Unknown device .* fingerprint ${fingerprint.replace(/ /g, " ")}.*--enrol`), { enrol: false });
    const it = itSide.open();
    await expect(it.import(good, { enrolFingerprint: "SHA256:0000 0000 0000 0000 0000 0000 0000 0000" })).rejects.toThrow(/does not match the bundle's device key/);
    await it.close();
  });

  it("imports a good bundle, is idempotent, and hands back a receipt the laptop accepts", async () => {
    const it = itSide.open();
    const result = await it.import(good, { enrolFingerprint: fingerprint });
    expect(result).toMatchObject({ status: "imported", enrolled: true, newRecords: 10, treeSize: 10 });
    // Names can repeat across laptops ("vm"); the key fingerprint printed with them cannot.
    expect(result.deviceFingerprint).toBe(fingerprint);
    expect(it.repo.recordCount()).toBe(10);
    const digest = it.repo.contentDigest();
    const again = await it.import(good);
    expect(again.status).toBe("already-imported");
    expect(again.deviceFingerprint).toBe(fingerprint);
    expect(it.repo.contentDigest()).toBe(digest);
    await it.close();

    expect(existsSync(result.receiptPath)).toBe(true);
    const receipt = await laptop.services.evidence.importReceipt(result.receiptPath);
    expect(receipt).toMatchObject({ status: "imported", treeSize: 10 });
    const summary = await laptop.services.evidence.summary();
    expect(summary.recordsSinceReceipt).toBe(1); // the receipt.imported record itself
    expect((await laptop.services.evidence.importReceipt(result.receiptPath)).status).toBe("already-held");
  });

  it("starts the next export after IT's receipt, and IT appends it to the same chain", async () => {
    appendRecords(laptop.services, 3, "after-receipt");
    const next = join(work.path, "second.tar");
    const summary = await laptop.services.evidence.export(next, undefined);
    expect(summary.firstSeq).toBe(10);
    const it = itSide.open();
    const result = await it.import(next);
    expect(result).toMatchObject({ status: "imported", enrolled: false, newRecords: summary.records });
    await it.close();
  });

  it("takes an older bundle of the same log as held already: nothing changes, the answer names what IT holds", async () => {
    const it = itSide.open();
    try {
      const before = it.repo.contentDigest();
      const held = it.repo.recordCount();
      const again = await it.import(good);
      expect(again).toMatchObject({ status: "already-imported", newRecords: 0, treeSize: held });
      expect(held).toBeGreaterThan(10);
      expect(it.repo.contentDigest()).toBe(before);
    } finally {
      await it.close();
    }
  });

  it("refuses an unknown key claiming an enrolled device", async () => {
    const impostor = openLaptop();
    impostor.services.identity.ensureDevice();
    const bundlePath = join(work.path, "impostor-real.tar");
    await impostor.services.evidence.export(bundlePath, undefined);
    // Same device id as the enrolled laptop, different key.
    const path = await tampered("impostor", (entries) => {
      const theirs = readFileSync(bundlePath);
      void theirs;
      const pem = entries.find((e) => e.name === "device.pem")!;
      pem.data = Buffer.from(impostor.services.repos.journal.device()!.publicKey);
    });
    await expectRejected(path, /device\.pem does not match the key id|not the key enrolled/);
    await impostor.close();
    impostor.dir.cleanup();
  });

  it("detects a fork: the same seq with a different record", async () => {
    // Restore the laptop from a copy taken now, then let both copies go on differently.
    await laptop.close();
    const copyDir = join(work.path, "restored-laptop");
    mkdirSync(copyDir);
    copyFileSync(join(laptop.dir.path, "fieldproof.sqlite"), join(copyDir, "fieldproof.sqlite"));
    const original = laptop.dir;
    laptop = { ...openLaptop(original.path), dir: original };
    const restored = openLaptop(copyDir);
    appendRecords(laptop.services, 2, "original-branch");
    appendRecords(restored.services, 2, "restored-branch");
    const a = join(work.path, "branch-a.tar");
    const b = join(work.path, "branch-b.tar");
    await laptop.services.evidence.export(a, undefined);
    await restored.services.evidence.export(b, undefined);
    const it = itSide.open();
    await it.import(a);
    await it.close();
    await expectRejected(b, /FORK DETECTED: seq \d+ in this bundle differs/);
    await restored.close();
  });

  it("applies all records of a bundle or none", async () => {
    appendRecords(laptop.services, 4, "atomic");
    const path = join(work.path, "atomic.tar");
    await laptop.services.evidence.export(path, undefined);
    const it = itSide.open();
    const before = it.repo.contentDigest();
    const original = it.repo.projector.applyParsed.bind(it.repo.projector);
    let calls = 0;
    it.repo.projector.applyParsed = (ctx, kind, data) => {
      if (++calls === 3) throw new Error("disk full while projecting");
      original(ctx, kind, data);
    };
    await expect(it.import(path)).rejects.toThrow(/disk full/);
    expect(it.repo.contentDigest()).toBe(before);
    it.repo.projector.applyParsed = original;
    expect((await it.import(path)).status).toBe("imported");
    await it.close();
  });
});
