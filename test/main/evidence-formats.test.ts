import { createHash, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { publicKeyFromRaw } from "../../main/evidence/crypto";
import { pae, signEnvelope, verifyEnvelopeSignature } from "../../main/evidence/dsse";
import { compactRange, EMPTY_ROOT, extendCompactRange, foldRange, leafHash, nodeHash, rootFromLeafHashes } from "../../main/evidence/merkle";
import { checkpointText, cosign, keyHash, parseCheckpointText, parseNote, signNote, verifyCosignature, verifyNoteSignature } from "../../main/evidence/note";

/** RFC 9162 MTH written the way the RFC states it, recursively, to check the iterative one against. */
function referenceRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash("sha256").digest();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

describe("DSSE", () => {
  it("builds the PAE of the spec's test vector", () => {
    expect(pae("http://example.com/HelloWorld", Buffer.from("hello world")).toString()).toBe("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  });

  it("counts bytes, not characters, in PAE", () => {
    expect(pae("t", Buffer.from("é", "utf8")).toString("utf8")).toBe("DSSEv1 1 t 2 é");
  });

  it("signs over PAE so a changed payload type fails", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const env = signEnvelope("application/vnd.in-toto+json", Buffer.from("{}"), [{ keyid: "k", key: privateKey }]);
    expect(verifyEnvelopeSignature(env, "k", publicKey)).toBe(true);
    expect(verifyEnvelopeSignature({ ...env, payloadType: "application/json" }, "k", publicKey)).toBe(false);
    expect(verifyEnvelopeSignature({ ...env, payload: Buffer.from("{ }").toString("base64") }, "k", publicKey)).toBe(false);
  });
});

describe("Merkle tree (RFC 9162)", () => {
  it("hashes the empty tree to SHA-256 of nothing", () => {
    expect(rootFromLeafHashes([]).toString("hex")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(EMPTY_ROOT.equals(referenceRoot([]))).toBe(true);
  });

  it("matches the RFC 6962 test vector roots", () => {
    // Leaves of the RFC 6962 / Certificate Transparency reference tests.
    const inputs = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"].map((h) => leafHash(Buffer.from(h, "hex")));
    expect(rootFromLeafHashes(inputs.slice(0, 1)).toString("hex")).toBe("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    expect(rootFromLeafHashes(inputs.slice(0, 2)).toString("hex")).toBe("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
    expect(rootFromLeafHashes(inputs.slice(0, 3)).toString("hex")).toBe("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77");
    expect(rootFromLeafHashes(inputs).toString("hex")).toBe("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  });

  it("agrees with the recursive definition for every size up to 70", () => {
    const leaves = Array.from({ length: 70 }, (_, i) => leafHash(Buffer.from(`record ${i}`)));
    for (let n = 0; n <= 70; n++) expect(rootFromLeafHashes(leaves.slice(0, n)).equals(referenceRoot(leaves.slice(0, n)))).toBe(true);
  });

  it("extends a compact range to the root of the longer tree", () => {
    const leaves = Array.from({ length: 45 }, (_, i) => leafHash(Buffer.from(`r${i}`)));
    for (const split of [0, 1, 7, 8, 31, 32, 44]) {
      const peaks = compactRange(leaves.slice(0, split));
      expect(foldRange(peaks).equals(referenceRoot(leaves.slice(0, split)))).toBe(true);
      expect(foldRange(extendCompactRange(peaks, split, leaves.slice(split))).equals(referenceRoot(leaves))).toBe(true);
    }
    expect(() => extendCompactRange([leaves[0]!], 3, [])).toThrow(/peaks/);
  });
});

describe("C2SP signed notes", () => {
  // golang.org/x/mod/sumdb/note reference vector.
  const vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
  const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const note = `${text}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
  const key = publicKeyFromRaw(Buffer.from(vkey.split("+")[2]!, "base64").subarray(1));

  it("verifies the sumdb/note reference note and computes its key id", () => {
    expect(keyHash("PeterNeumann", 0x01, key).toString("hex")).toBe("c74f20a3");
    expect(verifyNoteSignature(parseNote(note), "PeterNeumann", key)).toBe(true);
  });

  it("rejects the note with its text changed or under another name", () => {
    expect(verifyNoteSignature(parseNote(note.replace("answer", "Answer")), "PeterNeumann", key)).toBe(false);
    expect(verifyNoteSignature(parseNote(note), "EnochRoot", key)).toBe(false);
  });

  it("signs checkpoints and adds cosignatures that verify, and only for the right key", () => {
    const device = generateKeyPairSync("ed25519");
    const it = generateKeyPairSync("ed25519");
    const cpText = checkpointText({ origin: "fieldproof/device/abc", size: 3, rootHash: Buffer.alloc(32, 7) });
    const signed = signNote(cpText, "fieldproof/device/abc", device.privateKey);
    const parsed = parseNote(signed);
    expect(verifyNoteSignature(parsed, "fieldproof/device/abc", device.publicKey)).toBe(true);
    expect(parseCheckpointText(parsed.text)).toEqual({ origin: "fieldproof/device/abc", size: 3, rootHash: Buffer.alloc(32, 7) });
    const receipt = parseNote(cosign(parsed, "fieldproof-it/1", it.privateKey, 1_790_000_000n));
    expect(receipt.signatures).toHaveLength(2);
    expect(verifyCosignature(receipt, "fieldproof-it/1", it.publicKey)).toBe(1_790_000_000n);
    expect(verifyCosignature(receipt, "fieldproof-it/1", device.publicKey)).toBeUndefined();
    expect(verifyNoteSignature(receipt, "fieldproof/device/abc", device.publicKey)).toBe(true);
  });

  it("refuses malformed notes and checkpoints with a reason", () => {
    expect(() => parseNote("no signatures here\n")).toThrow(/blank line/);
    expect(() => parseNote("text\n\nnot a signature\n")).toThrow(/malformed signature line/);
    expect(() => parseCheckpointText("origin\nnot-a-number\nAAAA\n")).toThrow(/tree size/);
    expect(() => parseCheckpointText("origin\n3\nAAAA\n")).toThrow(/root hash/);
  });
});
