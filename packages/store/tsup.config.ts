import { definePackageBuild } from "@gtm-clarity/tsup-config";

// src/cli.ts is the `gtm-store` bin: it keeps its hashbang and needs no declarations.
export default definePackageBuild({ entry: ["src/index.ts", "src/prepare-entry.ts", "src/cli.ts"], dts: ["src/index.ts", "src/prepare-entry.ts"] });
