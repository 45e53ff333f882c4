import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // The conformance suite registers tests with the caller's own vitest; bundling a second copy would break it.
  external: ["vitest", "@gtm-clarity/core"],
});
