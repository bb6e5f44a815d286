import { describe, expect, it } from "vitest";
import { CHANNELS, contract, ERROR_CODES, isChannel } from "../../shared/contract";

describe("IPC contract", () => {
  it("names channels as area.action", () => {
    for (const name of CHANNELS) expect(name).toMatch(/^[a-z]+(\.[a-zA-Z]+)+$/);
  });

  it("recognises only its own channels", () => {
    expect(isChannel("system.info")).toBe(true);
    expect(isChannel("toString")).toBe(false);
    expect(isChannel("__proto__")).toBe(false);
    expect(isChannel(42)).toBe(false);
  });

  it("rejects unknown fields in requests so typos are not silently ignored", () => {
    const result = contract["settings.update"].request.safeParse({ theme: "dark", colour: "red" });
    expect(result.success).toBe(false);
  });

  it("has a closed, duplicate-free set of error codes", () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toContain("INVALID_REQUEST");
    expect(ERROR_CODES).toContain("FORBIDDEN_SENDER");
  });
});
