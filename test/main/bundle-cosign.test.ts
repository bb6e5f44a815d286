import { generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBundle } from "../../main/evidence/bundleReader";
import { verifyBundle } from "../../main/evidence/verifyBundle";
import { initIt, openLaptop, type ItSide, type Laptop } from "../support/evidence";
import { tempDir } from "../support/tempDir";

describe("co-signatures across bundles", () => {
  let laptop: Laptop;
  let itSide: ItSide;
  let work: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    laptop = openLaptop();
    itSide = await initIt();
    work = tempDir();
    const s = laptop.services;
    await s.evidence.trustIt(itSide.trustPath, false);
    s.owners.upsertPerson({ personId: "bo", name: "Bo Lind", role: "Shift lead", employer: "staff", company: "", teamId: null, pin: "246810" });
    const first = join(work.path, "first.tar");
    await s.evidence.export(first, undefined);
    const it = itSide.open();
    const result = await it.import(first, { enrolFingerprint: s.identity.status().fingerprint! });
    await it.close();
    await s.evidence.importReceipt(result.receiptPath);
  });
  afterAll(async () => {
    await laptop.close();
    laptop.dir.cleanup();
    itSide.dir.cleanup();
    work.cleanup();
  });

  it("verifies a later bundle whose approver key was introduced in an earlier one, and IT checks it on import", async () => {
    const s = laptop.services;
    s.identity.journal.append("device.renamed", [{ name: "fieldproof:device/x" }], { name: "approved-rename" }, [s.owners.approverSigner("bo", "246810")]);
    const second = join(work.path, "second.tar");
    await s.evidence.export(second, undefined);
    const standalone = await verifyBundle(await readBundle(second));
    expect(standalone.ok).toBe(true);
    expect(standalone.checks.find((c) => c.name === "co-signatures")?.detail).toMatch(/1 by keys introduced before this bundle \(checked by IT on import\)/);
    const it = itSide.open();
    expect((await it.import(second)).status).toBe("imported");
    await it.close();
  });

  it("refuses on import a co-signature by a key IT never saw", async () => {
    const s = laptop.services;
    const stranger = generateKeyPairSync("ed25519");
    s.identity.journal.append("device.renamed", [{ name: "fieldproof:device/x" }], { name: "stranger-signed" }, [{ keyid: "f".repeat(64), key: stranger.privateKey }]);
    const third = join(work.path, "third.tar");
    await s.evidence.export(third, undefined);
    const it = itSide.open();
    const before = it.repo.contentDigest();
    await expect(it.import(third)).rejects.toThrow(/co-signatures.*no earlier record introduced/);
    expect(it.repo.contentDigest()).toBe(before);
    await it.close();
  });
});
