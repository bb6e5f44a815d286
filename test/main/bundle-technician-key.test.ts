import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResponseOf } from "../../shared/contract";
import { readBundle } from "../../main/evidence/bundleReader";
import { verifyBundle, type VerifyResult } from "../../main/evidence/verifyBundle";
import { initIt, openLaptop, type ItSide, type Laptop } from "../support/evidence";
import { testInvoke, type TestInvoke } from "../support/invoke";
import { readEntries, writeEntries } from "../support/tar";
import { tempDir } from "../support/tempDir";

type Exported = ResponseOf<"evidence.exportResult">;

// `technician.set` with a PIN is co-signed by the key it introduces (proof of possession): the
// verifier checks that signature against the key the record itself carries.
describe("a technician's key introduced, then replaced, between exports", () => {
  let laptop: Laptop;
  let use: TestInvoke;
  let itSide: ItSide;
  let work: ReturnType<typeof tempDir>;
  const bundles: Record<"first" | "second" | "third" | "whole" | "tail", Exported> = {} as never;

  beforeAll(async () => {
    laptop = openLaptop();
    use = testInvoke(laptop.services);
    itSide = await initIt();
    work = tempDir();
    const exportTo = (name: string, fromSeq: number) => use.job("evidence.export", { path: join(work.path, `${name}.tar`), fromSeq }, "evidence.exportResult");
    const head = async () => (await use.invoke("evidence.summary", {})).records;
    await use.invoke("evidence.trustIt", { path: itSide.trustPath, replace: false });
    bundles.first = await exportTo("first", 0);
    await use.invoke("technician.set", { name: "Ana Ruiz", pin: "111111" });
    await use.invoke("owners.upsertTeam", { teamId: "night-shift", name: "Night shift", description: "" });
    const signedByFirstKey = (await head()) - 1;
    bundles.second = await exportTo("second", bundles.first.lastSeq + 1);
    await use.invoke("technician.set", { name: "Ana Ruiz", pin: "222222" }); // a PIN change: a new key
    await use.invoke("owners.upsertTeam", { teamId: "day-shift", name: "Day shift", description: "" });
    bundles.third = await exportTo("third", bundles.second.lastSeq + 1);
    bundles.whole = await exportTo("whole", 0);
    bundles.tail = await exportTo("tail", signedByFirstKey);
  });
  afterAll(async () => {
    await laptop.close();
    laptop.dir.cleanup();
    itSide.dir.cleanup();
    work.cleanup();
  });

  /** As `fieldproof verify BUNDLE` does it: the bundle alone, nothing known beforehand. */
  const verifyAlone = async (b: Exported): Promise<VerifyResult> => verifyBundle(await readBundle(b.path));
  const failures = (r: VerifyResult) => r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  const coSignatures = (r: VerifyResult) => r.checks.find((c) => c.name === "co-signatures")?.detail;

  it("verifies each bundle on its own, checking the new key's co-signature with the key the record carries", async () => {
    for (const b of Object.values(bundles)) expect.soft(failures(await verifyAlone(b)), b.path).toEqual([]);
    expect.soft(coSignatures(await verifyAlone(bundles.first))).toBeUndefined();
    // The key comes with the bundle, so its co-signatures are checked here, not left to IT.
    expect.soft(coSignatures(await verifyAlone(bundles.second))).toBe("2 technician or approver co-signatures verify");
    expect.soft(coSignatures(await verifyAlone(bundles.third))).toBe("2 technician or approver co-signatures verify");
    expect.soft(coSignatures(await verifyAlone(bundles.whole))).toBe("4 technician or approver co-signatures verify");
  });

  it("refuses a technician.set whose signature by its own key was altered", async () => {
    const entries = await readEntries(bundles.second.path);
    const records = entries.find((e) => e.name === "records.jsonl")!;
    const lines = records.data.toString().trimEnd().split("\n");
    const envelope = JSON.parse(lines[0]!) as { signatures: { sig: string }[] }; // seq 2: technician.set, signed by the device and the new key
    const sig = Buffer.from(envelope.signatures[1]!.sig, "base64");
    sig[3]! ^= 0x01;
    envelope.signatures[1]!.sig = sig.toString("base64");
    lines[0] = JSON.stringify(envelope);
    records.data = Buffer.from(`${lines.join("\n")}\n`);
    const path = join(work.path, "second-tampered.tar");
    await writeEntries(path, entries);
    expect(failures(await verifyBundle(await readBundle(path)))).toEqual([`co-signatures: a co-signature on seq ${bundles.second.firstSeq} does not verify`]);
  });

  it("IT imports the bundles in turn, and a re-export signed by the replaced key", async () => {
    const it = itSide.open();
    try {
      const attempt = (b: Exported, enrol = false) =>
        it.import(b.path, enrol ? { enrolFingerprint: laptop.services.identity.status().fingerprint! } : {}).then(
          (r) => ({ status: r.status, newRecords: r.newRecords }),
          (error: Error) => ({ error: error.message }),
        );
      expect(await attempt(bundles.first, true)).toEqual({ status: "imported", newRecords: bundles.first.records });
      expect.soft(await attempt(bundles.second)).toEqual({ status: "imported", newRecords: bundles.second.records });
      expect.soft(await attempt(bundles.third)).toEqual({ status: "imported", newRecords: bundles.third.records });
      expect.soft(await attempt(bundles.whole)).toEqual({ status: "already-imported", newRecords: 0 });
      // Starts after the first key's introduction, at a record it signed: IT knows that key from what it holds.
      expect.soft(await attempt(bundles.tail)).toEqual({ status: "already-imported", newRecords: 0 });
    } finally {
      await it.close();
    }
  });
});
