import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/cli.ts"],
  format: ["esm"],
  // Types for the library entry only; the CLI is a bin, not an import.
  dts: { entry: ["src/index.ts"] },
  clean: true,
  sourcemap: true,
  target: "node20",
  // src/cli.ts starts with `#!/usr/bin/env node`; esbuild keeps an entry's hashbang, so dist/cli.js is executable
  // as the `gtm-store` bin without a banner that would also land on index.js.
});
