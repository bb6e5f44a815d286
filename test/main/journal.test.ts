import { readFileSync } from "node:fs";

import Sqlite from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Envelope, Statement, ZERO_HASH } from "../../shared/evidence";
import { createServices } from "../../main/services";
import { sha256Hex } from "../../main/evidence/crypto";
import { appendRecords, openLaptop, PASSPHRASE, type Laptop } from "../support/evidence";

describe("device identity and journal", () => {
  let laptop: Laptop;
  beforeEach(() => {
    laptop = openLaptop();
  });
  afterEach(async () => {
    await laptop.close();
    laptop.dir.cleanup();
  });

  it("creates the device key on first use with a signed genesis record at seq 0", () => {
    const { identity, repos: { journal: journalRepo } } = laptop.services;
    expect(identity.status().state).toBe("new");
    identity.ensureDevice();
    const status = identity.status();
    expect(status.state).toBe("unlocked");
    expect(status.fingerprint).toMatch(/^SHA256:[0-9A-F]{4}( [0-9A-F]{4}){7}$/);
    const genesis = journalRepo.get(0)!;
    expect(genesis.kind).toBe("device.enrolled");
    const statement = Statement.parse(JSON.parse(genesis.payload.toString()));
    expect(statement.predicate.log).toEqual({ origin: `fieldproof/device/${status.deviceId}`, seq: 0, prev: ZERO_HASH });
    expect(statement.predicate.actor.device.name).toBe("bay-laptop-07");
  });

  it("chains every record to the previous payload and signs it with the device key", () => {
    const { identity, repos: { journal: journalRepo } } = laptop.services;
    appendRecords(laptop.services, 5);
    expect(journalRepo.head().size).toBe(6);
    let prev = ZERO_HASH;
    for (const record of journalRepo.range(0, 5)) {
      const statement = Statement.parse(JSON.parse(record.payload.toString()));
      expect(statement.predicate.log.seq).toBe(record.seq);
      expect(statement.predicate.log.prev).toBe(prev);
      prev = `sha256:${sha256Hex(record.payload)}`;
      const env = Envelope.parse(JSON.parse(record.envelope));
      expect(env.signatures.map((s) => s.keyid)).toEqual([journalRepo.device()!.keyId]);
    }
    expect(identity.status().name).toBe("bay-laptop-4");
  });

  it("updates projections in the same transaction as the record", () => {
    const { identity, repos: { journal: journalRepo } } = laptop.services;
    identity.rename("press-shop-laptop");
    const dump = journalRepo.dumpProjections();
    expect(dump.p_devices).toEqual([expect.objectContaining({ name: "press-shop-laptop" })]);
  });

  it("refuses to change or delete a record once written", () => {
    laptop.services.identity.ensureDevice();
    const db = new Sqlite(laptop.services.storePath);
    expect(() => db.prepare("UPDATE records SET kind = 'x' WHERE seq = 0").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM records").run()).toThrow(/append-only/);
    db.close();
  });

  it("adds the technician's signature when they signed in with their PIN", () => {
    const { identity, repos: { journal: journalRepo } } = laptop.services;
    identity.setTechnician("Ana Ruiz", "482913");
    identity.rename("laptop-with-ana");
    const last = journalRepo.get(journalRepo.head().size - 1)!;
    const env = Envelope.parse(JSON.parse(last.envelope));
    expect(env.signatures).toHaveLength(2);
    const statement = Statement.parse(JSON.parse(last.payload.toString()));
    expect(statement.predicate.actor.technician).toEqual({ name: "Ana Ruiz", keyid: journalRepo.technicianKey()!.keyId, auth: "pin" });
    identity.signOutTechnician();
    identity.rename("laptop-without-pin");
    const after = Statement.parse(JSON.parse(journalRepo.get(journalRepo.head().size - 1)!.payload.toString()));
    expect(after.predicate.actor.technician).toEqual({ name: "Ana Ruiz", keyid: null, auth: "none" });
    expect(() => identity.signInTechnician("000000")).toThrow(/PIN is wrong/);
    identity.signInTechnician("482913");
    expect(identity.technician()).toEqual({ name: "Ana Ruiz", hasKey: true, signedIn: true });
  });

  it("rebuilds projections from the journal equal to the live ones", async () => {
    const { identity, repos: { journal: journalRepo }, evidence } = laptop.services;
    appendRecords(laptop.services, 3);
    identity.setTechnician("Ana Ruiz", null);
    const live = journalRepo.dumpProjections();
    expect(Object.values(live).some((rows) => rows.length > 0)).toBe(true);
    const result = await evidence.rebuild();
    expect(result.records).toBe(journalRepo.head().size);
    expect(journalRepo.dumpProjections()).toEqual(live);
  });
});

describe("device key protection", () => {
  it("never stores the private key or the passphrase in clear, and a wrong passphrase changes nothing", async () => {
    const laptop = openLaptop();
    const device = laptop.services.identity.ensureDevice();
    const seed = device.signer.key.export({ format: "der", type: "pkcs8" }).subarray(-32);
    appendRecords(laptop.services, 2);
    const storePath = laptop.services.storePath;
    const files = [storePath, `${storePath}-wal`].map((p) => {
      try {
        return readFileSync(p);
      } catch {
        return Buffer.alloc(0);
      }
    });
    for (const bytes of files) {
      expect(bytes.includes(seed)).toBe(false);
      expect(bytes.includes(Buffer.from(PASSPHRASE))).toBe(false);
    }
    await laptop.close();

    const wrong = createServices({ dataDir: laptop.dir.path, runtime: "test", passphrase: "not the passphrase at all" });
    const before = readFileSync(storePath);
    expect(() => wrong.identity.ensureDevice()).toThrow(/passphrase is wrong/);
    expect(() => wrong.identity.rename("x")).toThrow(/passphrase is wrong/);
    expect(wrong.repos.journal.head().size).toBe(3);
    await wrong.close();
    expect(readFileSync(storePath).equals(before)).toBe(true);

    const locked = createServices({ dataDir: laptop.dir.path, runtime: "test", lockedHint: "Set FIELDPROOF_PASSPHRASE." });
    expect(() => locked.identity.rename("x")).toThrow(/FIELDPROOF_PASSPHRASE/);
    expect(() => locked.identity.unlock("still the wrong one")).toThrow(/passphrase is wrong/);
    expect(locked.identity.status().state).toBe("locked");
    expect(locked.identity.unlock(PASSPHRASE).state).toBe("unlocked");
    await locked.close();
    laptop.dir.cleanup();
  });

  it("refuses a passphrase that is too short", () => {
    const laptop = openLaptop();
    expect(() => laptop.services.identity.unlock("short")).toThrow(/at least 8 characters/);
    void laptop.close();
    laptop.dir.cleanup();
  });
});

