import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
// One linter for the file: type-aware linting builds a program per instance, which is slow.
const eslint = new ESLint({ cwd: root });

/** Lints `code` as if it were the file at `filePath` (an existing file, so type-aware rules have a program). */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

/** The folder-direction rule's messages for `code` linted as `filePath`. */
async function folderLayers(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === "local/folder-layers").map((m) => m.message);
}

describe("layering rule (imports only go down)", () => {
  it("fires when shared/ imports a Node built-in", async () => {
    const messages = await restrictedImports("shared/contract/result.ts", 'import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/shared\/ runs anywhere/);
  });

  it("fires when shared/ imports from main/", async () => {
    const messages = await restrictedImports("shared/contract/result.ts", 'import { createServices } from "../../main/services";\nexport const x = createServices;\n');
    expect(messages[0]).toMatch(/must not import from main/);
  });

  it("fires when the renderer reaches for Electron or main/", async () => {
    const electron = await restrictedImports("renderer/src/api.ts", 'import { ipcRenderer } from "electron";\nexport const x = ipcRenderer;\n');
    expect(electron[0]).toMatch(/only through renderer\/src\/api.ts/);
    const mainImport = await restrictedImports("renderer/src/api.ts", 'import { createServices } from "../../main/services";\nexport const x = createServices;\n');
    expect(mainImport[0]).toMatch(/imports shared\/ and browser packages only/);
  });

  it("fires when a service imports electron, better-sqlite3 or node-opcua", async () => {
    const file = "main/services/systemService.ts";
    expect((await restrictedImports(file, 'import { app } from "electron";\nexport const x = app;\n'))[0]).toMatch(/Only main\/electron/);
    expect((await restrictedImports(file, 'import Db from "better-sqlite3";\nexport const x = Db;\n'))[0]).toMatch(/Only main\/db/);
    expect((await restrictedImports(file, 'import { OPCUAClient } from "node-opcua";\nexport const x = OPCUAClient;\n'))[0]).toMatch(/node-opcua/);
  });

  it("allows each layer its own dependency", async () => {
    expect(await restrictedImports("main/db/open.ts", 'import Db from "better-sqlite3";\nexport const x = Db;\n')).toEqual([]);
    expect(await restrictedImports("main/electron/ipc.ts", 'import { ipcMain } from "electron";\nexport const x = ipcMain;\n')).toEqual([]);
  });

  describe("between folders", () => {
    const cases: [file: string, source: string, from: string, to: string][] = [
      ["main/db/plantRepository.ts", "../services/ownersService", "main/db", "main/services"],
      ["main/db/projections/plant.ts", "../../evidence/journal", "main/db", "main/evidence"],
      ["main/evidence/journal.ts", "../services/jobs", "main/evidence", "main/services"],
      ["main/connectors/opcua/session.ts", "../../services/scanService", "main/connectors", "main/services"],
      ["main/connectors/opcua/session.ts", "../../db/plantRepository", "main/connectors", "main/db"],
      ["main/services/scanService.ts", "../ipc/dispatch", "main/services", "main/ipc"],
      ["main/services/scanService.ts", "../cli/io", "main/services", "main/cli"],
      ["main/ipc/handlers/plant.ts", "../../evidence/journal", "main/ipc", "main/evidence"],
      ["main/simulator/plant.ts", "../services/plantService", "main/simulator", "main/services"],
      ["shared/contract/owners.ts", "../findings/due", "shared/contract", "shared/findings"],
      ["shared/domain/time.ts", "../contract/owners", "shared/domain", "shared/contract"],
      ["shared/findings/due.ts", "../contract/owners", "shared/findings", "shared/contract"],
    ];
    it.each(cases)("fires when %s imports %s", async (file, source, from, to) => {
      const messages = await folderLayers(file, `import { x } from "${source}";\nexport const y = x;\n`);
      expect(messages).toEqual([expect.stringContaining(`${from} may not import ${to}: imports only go down`)]);
    });

    it("also fires on re-exports and dynamic imports", async () => {
      expect(await folderLayers("main/db/open.ts", 'export { x } from "../services/jobs";\n')).toHaveLength(1);
      expect(await folderLayers("main/db/open.ts", 'export * from "../ipc";\n')).toHaveLength(1);
      expect(await folderLayers("main/db/open.ts", 'export const y = () => import("../cli/io");\n')).toHaveLength(1);
    });

    it("tells shared/evidence from main/evidence, and allows each layer what is below it", async () => {
      expect(await folderLayers("main/db/journalRepository.ts", 'import { x } from "../../shared/evidence";\nexport const y = x;\n')).toEqual([]);
      expect(await folderLayers("main/services/scanService.ts", 'import { x } from "../evidence/journal";\nimport { z } from "../db/plantRepository";\nexport const y = [x, z];\n')).toEqual([]);
      expect(await folderLayers("main/ipc/handlers/plant.ts", 'import { x } from "../../services/scanService";\nexport const y = x;\n')).toEqual([]);
      expect(await folderLayers("main/cli/rotate.ts", 'import { x } from "../ipc";\nexport const y = x;\n')).toEqual([]);
      expect(await folderLayers("renderer/src/api.ts", 'import { x } from "../../shared/contract";\nexport const y = x;\n')).toEqual([]);
    });

    it("keeps the services' repositories out of main/", async () => {
      const [result] = await eslint.lintText("export const f = (s: { repos: { plant: unknown } }) => s.repos.plant;\n", { filePath: `${root}/main/cli/plant.ts` });
      expect(result!.messages.filter((m) => m.ruleId === "no-restricted-syntax").map((m) => m.message)).toEqual([expect.stringContaining("not its repositories")]);
    });
  });
});
