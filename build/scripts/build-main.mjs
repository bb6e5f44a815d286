// Bundles the Node side (Electron main, preload, CLI, preview, bench) with esbuild.
// Our own code is bundled; packages from node_modules stay external and load at run time,
// except in the sandboxed preload, which cannot require anything but 'electron'.
import { build } from "esbuild";

const node = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  // ESM output still needs require() for the CommonJS packages we load by name.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
};

await Promise.all([
  build({
    ...node,
    entryPoints: {
      electron: "main/electron/main.ts",
      cli: "main/cli/index.ts",
      preview: "main/preview/preview.ts",
      bench: "test/bench/index.ts",
    },
    outdir: "dist/main",
  }),
  build({
    entryPoints: { preload: "main/electron/preload.ts" },
    outdir: "dist/main",
    outExtension: { ".js": ".cjs" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["electron"],
    sourcemap: true,
    logLevel: "warning",
  }),
]);
