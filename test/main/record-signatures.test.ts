import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RotationRequest } from "../../shared/contract";
import { APPROVER_PIN, openBay, type Bay } from "../support/bay";

// The record detail (`evidence.record`) checks each signature against every key the journal has
// introduced: the device's, technicians' past and present, approvers'.
describe("record detail: who signed, and does it verify", () => {
  let bay: Bay;
  let device: string;
  beforeAll(async () => {
    bay = await openBay(3);
    device = `device ${(await bay.invoke("evidence.summary", {})).device.name}`;
  }, 180_000);
  afterAll(async () => {
    await bay.close();
  });

  const signatures = async (seq: number): Promise<{ signer: string; verified: boolean }[]> =>
    (await bay.invoke("evidence.record", { seq })).signatures.map(({ signer, verified }) => ({ signer, verified }));
  const latest = async (kind: string): Promise<number> => (await bay.invoke("evidence.records", { offset: 0, limit: 1, kind })).records[0]!.seq;
  const head = async (): Promise<number> => (await bay.invoke("evidence.summary", {})).records - 1;

  it("reads an approver's co-signature on a rotation as verified, by the approver", async () => {
    const id = bay.plant.build.controllers.find((c) => c.security.part18 && !c.security.allowAnonymous)!.id;
    const request: RotationRequest = {
      identityId: "user/operator",
      controllerIds: [id],
      currentPassword: bay.initialPassword(id, "operator"),
      reason: "schedule",
      workOrder: "WO-4711",
      operationalState: "maintenance-window",
      passwordScope: "per-controller",
      concurrency: 1,
      approval: { personId: "bo", pin: APPROVER_PIN, emergency: false },
    };
    const [result] = await bay.rotate(request);
    expect(result!.state).toBe("committed");
    expect(await signatures(await latest("rotation.pending"))).toEqual([
      { signer: device, verified: true },
      { signer: "approver Bo Lind", verified: true },
    ]);
  });

  it("reads a technician's signature as verified after their key was replaced, and the key's own introduction too", async () => {
    await bay.invoke("technician.set", { name: "Ana Ruiz", pin: "111111" });
    const introduced = await head();
    await bay.invoke("owners.upsertTeam", { teamId: "signed-by-first-key", name: "Signed by the first key", description: "" });
    const signedByFirst = await head();
    await bay.invoke("technician.set", { name: "Ana Ruiz", pin: "222222" }); // a PIN change: a new key replaces the first
    const replaced = await head();
    await bay.invoke("owners.upsertTeam", { teamId: "signed-by-second-key", name: "Signed by the second key", description: "" });
    const signedBySecond = await head();

    const technician = [
      { signer: device, verified: true },
      { signer: "technician Ana Ruiz", verified: true },
    ];
    expect(await signatures(introduced)).toEqual(technician);
    expect(await signatures(signedByFirst)).toEqual(technician);
    expect(await signatures(replaced)).toEqual(technician);
    expect(await signatures(signedBySecond)).toEqual(technician);
    const keyids = async (seq: number): Promise<string[]> => (await bay.invoke("evidence.record", { seq })).signatures.map((s) => s.keyid);
    expect((await keyids(signedByFirst))[1]).not.toBe((await keyids(signedBySecond))[1]);
  });

  it("reads a tampered signature as NOT verified, naming who it claims to be", async () => {
    const seq = await latest("rotation.pending");
    const db = new Sqlite(bay.services.storePath);
    try {
      const row = db.prepare<[number], { envelope: string }>("SELECT envelope FROM records WHERE seq = ?").get(seq)!;
      const envelope = JSON.parse(row.envelope) as { signatures: { keyid: string; sig: string }[] };
      for (const s of envelope.signatures) {
        const sig = Buffer.from(s.sig, "base64");
        sig[7]! ^= 0x01;
        s.sig = sig.toString("base64");
      }
      // Someone with the store file in hand, past the append-only trigger.
      db.exec("DROP TRIGGER records_append_only_update");
      db.prepare("UPDATE records SET envelope = ? WHERE seq = ?").run(JSON.stringify(envelope), seq);
    } finally {
      db.close();
    }
    expect(await signatures(seq)).toEqual([
      { signer: device, verified: false },
      { signer: "approver Bo Lind", verified: false },
    ]);
  });
});
