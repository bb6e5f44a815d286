// Electron security scan (@doyensec/electronegativity) over main/ and renderer/, scanned together so
// that global checks (CSP, navigation limits, permission handlers) see the whole app. The tool's CLI
// always exits 0, so this script fails on any finding or any file it could not parse.
// A finding that has been reviewed is silenced where it occurs with an `eng-disable` comment saying why.
// The "available security fixes" check is left out: it downloads Electron's release list from
// GitHub, and tests talk to 127.0.0.1 only. Electron updates are Dependabot's/npm audit's job.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);
// The tool also fetches translations over HTTPS when it loads. Tests talk to 127.0.0.1 only, so its
// HTTP client is replaced, before the tool loads, by one that answers every request with 503 at
// once, without touching the network (the tool then keeps its bundled English texts, quietly).
const runnerPath = require.resolve("@doyensec/electronegativity/dist/runner.js");
const gotPath = require.resolve("got", { paths: [runnerPath] });
const offline = () => Promise.resolve({ statusCode: 503, headers: {}, body: "" });
offline.head = offline;
offline.default = offline;
require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offline };
const run = require(runnerPath);
const electronVersion = require("electron/package.json").version;

const root = new URL("../..", import.meta.url).pathname;
const scanDir = mkdtempSync(join(tmpdir(), "fieldproof-scan-"));
try {
  for (const dir of ["main", "renderer"]) {
    cpSync(join(root, dir), join(scanDir, dir), { recursive: true, filter: (src) => !src.includes("node_modules") });
  }
  mkdirSync(join(root, "test-results"), { recursive: true });
  const sarif = join(root, "test-results", "electronegativity.sarif");
  const result = await run({
    input: scanDir,
    output: sarif,
    isSarif: true,
    customScan: [],
    excludeFromScan: ["availablesecurityfixesglobalcheck"],
    isRelative: true,
    isVerbose: true,
    parserPlugins: [],
    electronVersionOverride: electronVersion,
  });
  const parseErrors = result.errors.filter((e) => !e.tolerable);
  for (const e of parseErrors) process.stderr.write(`could not scan ${e.file}: ${e.message}\n`);
  for (const issue of result.issues) {
    process.stderr.write(`${issue.id} ${issue.severity.name}/${issue.confidence.name} ${issue.file}:${issue.location.line} ${issue.description}\n`);
  }
  writeFileSync(join(root, "test-results", "electronegativity.json"), JSON.stringify(result.issues.map((i) => ({ id: i.id, file: i.file, line: i.location.line })), null, 2));
  process.stdout.write(`electronegativity ${result.globalChecks + result.atomicChecks} checks (Electron ${electronVersion}): ${result.issues.length} findings, ${parseErrors.length} unparsed files\n`);
  process.exitCode = result.issues.length + parseErrors.length > 0 ? 1 : 0;
} finally {
  rmSync(scanDir, { recursive: true, force: true });
}
