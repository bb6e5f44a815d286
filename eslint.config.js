// Lint, including the layering rule of docs/architecture.md: imports only go down.
// Do not relax the layering zones to make an import pass: move the code to the right layer.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const NODE_BUILTINS = [
  "assert", "buffer", "child_process", "cluster", "crypto", "dgram", "dns", "events", "fs", "fs/promises", "http", "http2",
  "https", "module", "net", "os", "path", "perf_hooks", "process", "readline", "stream", "tls", "url", "util", "v8", "vm",
  "worker_threads", "zlib",
];

const restrict = (paths, patterns) => ["error", { paths, patterns }];
const msg = (message) => ({ message });

/** Rules per layer (see docs/architecture.md). */
export const layering = [
  {
    files: ["shared/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": restrict(
        [...NODE_BUILTINS, "electron", "react", "react-dom", "better-sqlite3"].map((name) => ({
          name,
          message: "shared/ runs anywhere: no Node, Electron, React or database imports.",
        })),
        [
          { group: ["node:*"], message: "shared/ runs anywhere: no Node built-ins." },
          { group: ["node-opcua*"], message: "shared/ runs anywhere: OPC UA lives in main/connectors/opcua/." },
          { group: ["**/main/**", "**/renderer/**", "../main", "../renderer"], message: "shared/ must not import from main/ or renderer/." },
        ],
      ),
    },
  },
  {
    files: ["renderer/src/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": restrict(
        [...NODE_BUILTINS, "electron", "better-sqlite3"].map((name) => ({
          name,
          message: "renderer/ talks to main only through renderer/src/api.ts; no Node or Electron.",
        })),
        [
          { group: ["node:*"], message: "renderer/ must not use Node built-ins." },
          { group: ["node-opcua*"], message: "renderer/ must not reach controllers directly." },
          { group: ["**/main/**"], message: "renderer/ imports shared/ and browser packages only; call main through api.ts." },
        ],
      ),
    },
  },
  {
    files: ["main/**/*.ts"],
    ignores: ["main/electron/**", "main/db/**", "main/connectors/opcua/**", "main/simulator/**"],
    rules: {
      "no-restricted-imports": restrict(
        [
          { name: "electron", ...msg("Only main/electron/ imports 'electron'; services stay plain Node.") },
          { name: "better-sqlite3", ...msg("Only main/db/ imports better-sqlite3; use a repository.") },
        ],
        [
          { group: ["node-opcua*"], message: "Only main/connectors/opcua/ (and the simulator) import node-opcua." },
          { group: ["**/renderer/**"], message: "main/ must not import from renderer/." },
        ],
      ),
    },
  },
  {
    files: ["main/electron/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict(
        [{ name: "better-sqlite3", ...msg("Only main/db/ imports better-sqlite3.") }],
        [
          { group: ["node-opcua*"], message: "Only main/connectors/opcua/ imports node-opcua." },
          { group: ["**/renderer/**"], message: "main/ must not import from renderer/." },
        ],
      ),
    },
  },
  {
    files: ["main/db/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict(
        [{ name: "electron", ...msg("Only main/electron/ imports 'electron'.") }],
        [
          { group: ["node-opcua*"], message: "Only main/connectors/opcua/ imports node-opcua." },
          { group: ["**/renderer/**"], message: "main/ must not import from renderer/." },
        ],
      ),
    },
  },
  {
    files: ["main/connectors/opcua/**/*.ts", "main/simulator/**/*.ts"],
    rules: {
      "no-restricted-imports": restrict(
        [
          { name: "electron", ...msg("Only main/electron/ imports 'electron'.") },
          { name: "better-sqlite3", ...msg("Only main/db/ imports better-sqlite3.") },
        ],
        [{ group: ["**/renderer/**"], message: "main/ must not import from renderer/." }],
      ),
    },
  },
];

export default tseslint.config(
  { ignores: ["dist/**", "release/**", "node_modules/**", "test-results/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["*.js", "build/scripts/*.mjs", "bin/*.js"] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/only-throw-error": "error",
      "no-console": ["error", { allow: ["error", "warn"] }],
      // Services are async by contract over a synchronous store (so SQL can move to a worker later).
      "@typescript-eslint/require-await": "off",
    },
  },
  {
    files: ["renderer/src/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/unbound-method": "off",
      // expect.any()/expect.stringMatching() are typed any by Vitest.
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
  ...layering,
);
