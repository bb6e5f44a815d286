import { describe, expect, it } from "vitest";
import { isAppUrl } from "../../main/ipc/navigation";

describe("navigation rule", () => {
  it("keeps the window on the app's own origin", () => {
    expect(isAppUrl("app://fieldproof/index.html#/plant", "app://fieldproof")).toBe(true);
    expect(isAppUrl("https://fieldproof.invalid/assets/x.js", "https://fieldproof.invalid")).toBe(true);
  });

  it("blocks other hosts, schemes and malformed URLs", () => {
    for (const url of [
      "app://evil/index.html",
      "https://fieldproof.invalid.evil.example/",
      "http://fieldproof.invalid/",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "data:text/html,<h1>x</h1>",
      "",
      "app://",
    ]) {
      expect(isAppUrl(url, "app://fieldproof")).toBe(false);
      expect(isAppUrl(url, "https://fieldproof.invalid")).toBe(false);
    }
  });
});
