import { definePackageBuild } from "@gtm-clarity/tsup-config";
import { copyTemplate } from "./scripts/copy-template.js";

// src/cli.ts is the bin: it keeps its hashbang and needs no declarations. The template ships in dist/template/.
export default {
  ...definePackageBuild({ entry: ["src/index.ts", "src/cli.ts"], dts: ["src/index.ts"] }),
  onSuccess: async () => copyTemplate(),
};
