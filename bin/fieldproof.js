#!/usr/bin/env node
// The `fieldproof` command. The TypeScript sources are bundled into dist/ by `npm install`
// (the prepare script) or `npm run build`.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/main/cli.js", import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write("fieldproof: the CLI is not built yet. Run `npm run build` in the Fieldproof folder, then try again.\n");
  process.exit(2);
}
const { main } = await import(cli);
process.exitCode = await main(process.argv.slice(2));
