import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** Lints `code` as if it were the file at `filePath` (an existing file, so type-aware rules have a program). */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
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
});
