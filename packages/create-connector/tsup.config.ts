import { defineConfig } from "tsup";

// The bin keeps the `#!/usr/bin/env node` line it starts with (esbuild preserves an entry's hashbang, and tsup marks
// such a file executable); a `banner` would put it on index.js too.
export default defineConfig({
  entry: ["src/index.ts", "src/cli.ts"],
  format: ["esm"],
  dts: { entry: "src/index.ts" },
  clean: true,
  sourcemap: true,
  target: "node20",
});
