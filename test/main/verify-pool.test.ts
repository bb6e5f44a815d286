import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { leafHash } from "../../main/evidence/merkle";
import { sha256 } from "../../main/evidence/crypto";
import { signEnvelope } from "../../main/evidence/dsse";
import { verifyEnvelopes } from "../../main/evidence/verifyPool";

describe("signature verification on worker threads", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const payloads = Array.from({ length: 1500 }, (_, i) => Buffer.from(JSON.stringify({ seq: i, pad: "x".repeat(i % 50) })));
  const envelopes = payloads.map((p) => signEnvelope("application/vnd.in-toto+json", p, [{ keyid: "k", key: privateKey }]));
  const jobs = envelopes.map((e) => ({ payloadType: e.payloadType, payload: e.payload, signature: e.signatures[0]!.sig }));

  it("accepts good signatures and returns each payload's hashes in order", async () => {
    const result = await verifyEnvelopes(pem, jobs, 2);
    expect(result.bad).toEqual([]);
    for (const i of [0, 749, 750, 1499]) {
      expect(result.payloadHashes.subarray(i * 32, i * 32 + 32).equals(sha256(payloads[i]!))).toBe(true);
      expect(result.leafHashes.subarray(i * 32, i * 32 + 32).equals(leafHash(payloads[i]!))).toBe(true);
    }
  });

  it("pinpoints altered payloads and signatures wherever they are", async () => {
    const altered = jobs.map((j) => ({ ...j }));
    altered[3] = { ...altered[3]!, payload: Buffer.from("{}").toString("base64") };
    const sig = Buffer.from(altered[1201]!.signature, "base64");
    sig[0]! ^= 1;
    altered[1201] = { ...altered[1201]!, signature: sig.toString("base64") };
    altered[900] = { ...altered[900]!, signature: "c2hvcnQ=" };
    const threaded = await verifyEnvelopes(pem, altered, 2);
    expect(threaded.bad).toEqual([3, 900, 1201]);
    const inline = await verifyEnvelopes(pem, altered, 1);
    expect(inline.bad).toEqual([3, 900, 1201]);
  });
});
