import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_GENERATOR_POLICY, policyForController, unsatisfiable, type GeneratorPolicy } from "../../shared/domain/passwordPolicy";
import { sealToIt } from "../../main/evidence/escrow";
import { generatePassword } from "../../main/evidence/passwordGenerator";
import { ItService } from "../../main/services/itService";
import { tempDir } from "../support/tempDir";

describe("password generator", () => {
  it("satisfies the policy: length, every required class, nothing forbidden", () => {
    const policy: GeneratorPolicy = { ...DEFAULT_GENERATOR_POLICY, length: 16 };
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const pw = generatePassword(policy);
      expect(pw).toHaveLength(16);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[0-9]/);
      expect(pw).toMatch(/[!#%+\-=?@_]/);
      for (const c of policy.forbidden) expect(pw.includes(c)).toBe(false);
      seen.add(pw);
    }
    expect(seen.size).toBe(500);
  });

  it("takes the stricter of the controller's Part 18 policy and the site defaults", () => {
    const p = policyForController({ minLength: 30, maxLength: 40, options: 1 << 8 }, { ...DEFAULT_GENERATOR_POLICY, requireSpecial: false });
    expect(p).toMatchObject({ minLength: 30, maxLength: 40, length: 30, requireSpecial: true });
    expect(policyForController(null)).toBe(DEFAULT_GENERATOR_POLICY);
  });

  it("refuses a policy no password can satisfy, and says why", () => {
    expect(unsatisfiable({ ...DEFAULT_GENERATOR_POLICY, minLength: 20, maxLength: 10 })).toMatch(/minimum length \(20\) is above the maximum \(10\)/);
    expect(unsatisfiable({ ...DEFAULT_GENERATOR_POLICY, forbidden: "0123456789" })).toMatch(/digits are required but every one of them is forbidden/);
    expect(unsatisfiable({ ...DEFAULT_GENERATOR_POLICY, symbols: "" })).toMatch(/special characters are required/);
    expect(unsatisfiable({ ...DEFAULT_GENERATOR_POLICY, minLength: 1, length: 3 })).toMatch(/cannot hold the 4 required/);
    expect(unsatisfiable({ ...DEFAULT_GENERATOR_POLICY, minLength: 4, length: 8 })).toMatch(/weaker than 64 bits/);
    expect(() => generatePassword({ ...DEFAULT_GENERATOR_POLICY, forbidden: "0123456789" })).toThrow(/No password can satisfy this controller's policy: digits/);
  });
});

describe("escrow to IT with age", () => {
  it("seals so that the stock age tool opens it with IT's identity, and only with it", async () => {
    const dir = tempDir();
    try {
      const { trust, files } = await ItService.init(join(dir.path, "it"), "it escrow passphrase");
      const sealed = await sealToIt("N3w-Pa55word!", trust.ageRecipient);
      expect(sealed.includes(Buffer.from("N3w-Pa55word!"))).toBe(false);
      const file = join(dir.path, "r1.age");
      writeFileSync(file, sealed);
      const opened = spawnSync("age", ["-d", "-i", files.identity, file], { encoding: "utf8" });
      expect(opened.stderr).toBe("");
      expect(opened.stdout).toBe("N3w-Pa55word!");
      const other = await ItService.init(join(dir.path, "other-it"), "another passphrase");
      const refused = spawnSync("age", ["-d", "-i", other.files.identity, file], { encoding: "utf8" });
      expect(refused.status).not.toBe(0);
      await expect(sealToIt("x", "age1notarecipient")).rejects.toThrow(/no valid age recipient/);
    } finally {
      dir.cleanup();
    }
  });
});
