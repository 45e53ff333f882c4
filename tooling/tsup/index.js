import { defineConfig } from "tsup";

/**
 * The build every publishable package shares: ESM for Node 20+, declarations and source maps, a clean `dist`.
 * `entry` lists the package's entry points; `dts` narrows declarations to the entries that are imported (a CLI bin
 * needs none); `external` keeps a peer (vitest in testkit) out of the bundle.
 * An entry starting with `#!/usr/bin/env node` keeps that line (esbuild preserves an entry's hashbang and tsup marks
 * the file executable), so bins need no banner, which would land on every other entry too.
 * Plain JS (typed by index.d.ts), like the vitest preset: configs load through Node, which cannot import .ts from
 * node_modules on Node 20.
 *
 * @param {{ entry: string[]; dts?: string[]; external?: string[] }} options
 */
export function definePackageBuild({ entry, dts, external }) {
  return defineConfig({
    entry,
    format: ["esm"],
    dts: dts === undefined ? true : { entry: dts },
    clean: true,
    sourcemap: true,
    target: "node20",
    ...(external === undefined ? {} : { external }),
  });
}
