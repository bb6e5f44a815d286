// Makes sure better-sqlite3 is built for the runtime about to load it: Node (tests, CLI, preview)
// or Electron (npm start). They use different native ABIs; nobody should have to think about it.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const target = process.argv[2];
const marker = new URL("../../node_modules/better-sqlite3/build/fieldproof-runtime.json", import.meta.url);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

function built() {
  try {
    return JSON.parse(readFileSync(marker, "utf8"));
  } catch {
    return undefined;
  }
}

function loadsInNode() {
  const probe = spawnSync(process.execPath, ["-e", "new (require('better-sqlite3'))(':memory:').close()"], { encoding: "utf8" });
  return probe.status === 0;
}

function run(cmd, args) {
  process.stderr.write(`> ${cmd} ${args.join(" ")}\n`);
  execFileSync(cmd, args, { stdio: "inherit" });
}

if (target === "node") {
  if (!loadsInNode()) {
    process.stderr.write("better-sqlite3 is not built for this Node; rebuilding it from source (about a minute)...\n");
    run(npm, ["rebuild", "better-sqlite3"]);
    if (!loadsInNode()) {
      process.stderr.write("better-sqlite3 still does not load under Node. Check that python3, make and a C++ compiler are installed.\n");
      process.exit(1);
    }
  }
  writeFileSync(marker, JSON.stringify({ runtime: "node", modules: process.versions.modules }));
} else if (target === "electron") {
  let binary;
  try {
    binary = require("electron");
  } catch {
    binary = undefined;
  }
  if (typeof binary !== "string" || !existsSync(binary)) {
    process.stderr.write(
      "The Electron binary is not installed (it is downloaded by `npm install` on a machine with internet).\n" +
        "Run `npm install` with internet access, or use `npm run preview` to open the app in Chromium.\n",
    );
    process.exit(1);
  }
  const electronVersion = require("electron/package.json").version;
  const current = built();
  if (current?.runtime !== "electron" || current.version !== electronVersion) {
    process.stderr.write(`Rebuilding better-sqlite3 for Electron ${electronVersion}...\n`);
    run(npx, ["electron-builder", "install-app-deps"]);
    writeFileSync(marker, JSON.stringify({ runtime: "electron", version: electronVersion }));
  }
} else {
  process.stderr.write("usage: ensure-native.mjs node|electron\n");
  process.exit(2);
}
