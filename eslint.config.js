// Lint, including the layering rule of docs/architecture.md: imports only go down.
// Do not relax the layering zones to make an import pass: move the code to the right layer.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import localRules from "./build/eslint/folder-layers.js";

const NODE_BUILTINS = [
  "assert", "buffer", "child_process", "cluster", "crypto", "dgram", "dns", "events", "fs", "fs/promises", "http", "http2",
  "https", "module", "net", "os", "path", "perf_hooks", "process", "readline", "stream", "tls", "url", "util", "v8", "vm",
  "worker_threads", "zlib",
];

const restrict = (paths, patterns) => ["error", { paths, patterns }];
const msg = (message) => ({ message });

const SHARED = ["shared/domain", "shared/evidence", "shared/findings", "shared/contract"];

/**
 * Which folder may import which (see docs/architecture.md). A folder may always import itself; one
 * not listed on the left is not checked. Do not add an upward edge to make an import pass.
 */
export const FOLDER_LAYERS = {
  "shared/domain": [],
  "shared/evidence": ["shared/domain"],
  "shared/findings": ["shared/domain"],
  "shared/contract": ["shared/domain", "shared/evidence"],
  renderer: SHARED,
  "main/version": [],
  "main/db": SHARED,
  // The collector's PostgreSQL schema: inline SQL only; the collector's PostgreSQL store runs it.
  "main/db/migrations/pg": [],
  "main/connectors": SHARED,
  "main/simulator": SHARED,
  "main/evidence": [...SHARED, "main/db", "main/version"],
  "main/services": [...SHARED, "main/db", "main/evidence", "main/connectors", "main/simulator", "main/version"],
  "main/ipc": [...SHARED, "main/services"],
  "main/electron": [...SHARED, "main/services", "main/ipc", "main/evidence"],
  "main/preview": [...SHARED, "main/services", "main/ipc"],
  "main/collector": [...SHARED, "main/services", "main/evidence", "main/version", "main/db/migrations/pg"],
  "main/cli": [...SHARED, "main/services", "main/ipc", "main/evidence", "main/simulator", "main/version", "main/collector"],
};

/** Rules per layer (see docs/architecture.md). */
export const layering = [
  {
    files: ["main/**/*.ts", "shared/**/*.ts", "renderer/src/**/*.{ts,tsx}"],
    plugins: { local: localRules },
    rules: { "local/folder-layers": ["error", { root: import.meta.dirname, layers: FOLDER_LAYERS }] },
  },
  {
    // The services' repositories are for tests that look inside the store; main reaches the store
    // through use cases (the composition root builds them).
    files: ["main/**/*.ts"],
    ignores: ["main/services/createServices.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        { selector: "MemberExpression[property.name='repos']", message: "Use a service's use case, not its repositories (`repos` is for tests that look inside the store)." },
      ],
    },
  },
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
