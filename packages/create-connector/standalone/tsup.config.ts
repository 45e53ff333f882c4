import { defineConfig } from "tsup";

// The connector and its sandbox, as ESM for Node 20+, with declarations.
export default defineConfig({
  entry: ["src/index.ts", "src/sandbox/index.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
