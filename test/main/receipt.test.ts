import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendRecords, initIt, openLaptop, type ItSide, type Laptop } from "../support/evidence";
import { tempDir } from "../support/tempDir";

describe("receipts on the laptop", () => {
  let a: Laptop;
  let b: Laptop;
  let itSide: ItSide;
  let otherIt: ItSide;
  let work: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    [a, b, itSide, otherIt, work] = [openLaptop(), openLaptop(), await initIt(), await initIt(), tempDir()];
    appendRecords(a.services, 2);
    appendRecords(b.services, 2);
  });
  afterAll(async () => {
    for (const l of [a, b]) {
      await l.close();
      l.dir.cleanup();
    }
    itSide.dir.cleanup();
    otherIt.dir.cleanup();
    work.cleanup();
  });

  async function receiptFor(laptop: Laptop, side: ItSide, name: string): Promise<string> {
    const bundle = join(work.path, `${name}.tar`);
    await laptop.services.evidence.export(bundle, undefined);
    const it = side.open();
    const result = await it.import(bundle, { enrolFingerprint: laptop.services.identity.status().fingerprint! });
    await it.close();
    return result.receiptPath;
  }

  it("asks for IT's trust file before accepting any receipt", async () => {
    const receipt = await receiptFor(a, itSide, "a-first");
    const before = a.services.repos.journal.head().size;
    await expect(a.services.evidence.importReceipt(receipt)).rejects.toThrow(/No IT key is trusted/);
    expect(a.services.repos.journal.head().size).toBe(before);
  });

  it("refuses a receipt cosigned by an IT key the laptop does not trust", async () => {
    await a.services.evidence.trustIt(itSide.trustPath, false);
    const foreign = await receiptFor(a, otherIt, "a-other-it");
    await expect(a.services.evidence.importReceipt(foreign)).rejects.toThrow(/not cosigned by the trusted IT key/);
  });

  it("refuses another laptop's receipt", async () => {
    await b.services.evidence.trustIt(itSide.trustPath, false);
    const receipt = await receiptFor(b, itSide, "b");
    await expect(a.services.evidence.importReceipt(receipt)).rejects.toThrow(/for another laptop/);
  });

  it("refuses to silently swap the trusted IT key", async () => {
    await expect(a.services.evidence.trustIt(otherIt.trustPath, false)).rejects.toThrow(/already trusts IT key .*fieldproof it trust FILE --replace\)\.$/);
    await expect(a.services.evidence.trustIt(join(work.path, "nope.json"), false)).rejects.toThrow(/Cannot read the IT trust file/);
  });

  it("accepts IT's receipt and moves the export start past it", async () => {
    const receipt = await receiptFor(a, itSide, "a-second");
    const result = await a.services.evidence.importReceipt(receipt);
    expect(result.status).toBe("imported");
    const summary = await a.services.evidence.summary();
    expect(summary.lastReceipt?.treeSize).toBe(result.treeSize);
    const next = await a.services.evidence.export(join(work.path, "a-next.tar"), undefined);
    expect(next.firstSeq).toBe(result.treeSize);
  });
});
