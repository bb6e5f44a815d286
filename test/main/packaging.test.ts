import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const require = createRequire(import.meta.url);

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  win: { target: { target: string }[] };
  linux: { target: string[] };
  mac: { target: { target: string }[] };
}

const config = parse(readFileSync(`${root}/electron-builder.yml`, "utf8")) as BuilderConfig;
const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { main: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

describe("electron-builder configuration", () => {
  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = require("app-builder-lib/out/util/config/config.js") as {
      validateConfiguration: (c: unknown, logger: { isEnabled: boolean; add: () => void }) => Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add: () => undefined })).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, nsisx: {} }, { isEnabled: false, add: () => undefined })).rejects.toThrow(/nsisx/);
  });

  it("targets NSIS on Windows, AppImage and deb on Linux, dmg on macOS", () => {
    expect(config.win.target.map((t) => t.target)).toEqual(["nsis"]);
    expect(config.linux.target).toEqual(["AppImage", "deb"]);
    expect(config.mac.target.map((t) => t.target)).toEqual(["dmg"]);
  });

  it("packages the built app only: the entry point is included, sources and tests are not", () => {
    expect(config.files).toContain(pkg.main);
    expect(config.files).toContain("dist/main/preload.cjs");
    expect(config.files.some((f) => /^(main|renderer|shared|test)\//.test(f))).toBe(false);
    expect(config.files).toContain("!**/*.ts");
    expect(config.asarUnpack.join()).toMatch(/better-sqlite3/);
  });

  it("keeps Electron and build tools out of the runtime dependencies", () => {
    for (const dev of ["electron", "electron-builder", "vite", "vitest", "playwright-core", "typescript"]) {
      expect(pkg.dependencies[dev]).toBeUndefined();
      expect(pkg.devDependencies[dev]).toBeDefined();
    }
    expect(pkg.dependencies["better-sqlite3"]).toBeDefined();
  });
});
