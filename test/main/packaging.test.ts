import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));

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
  it("passes electron-builder's published configuration schema", () => {
    // scheme.json is the JSON Schema app-builder-lib publishes (it is in the package's "files") and
    // validates every build against; its out/ internals are not an API.
    const scheme = JSON.parse(readFileSync(`${root}/node_modules/app-builder-lib/scheme.json`, "utf8")) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(scheme);
    expect(validate(config), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...config, nsisx: {} })).toBe(false);
    expect(validate.errors?.map((e) => e.params)).toContainEqual({ additionalProperty: "nsisx" });
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
