import { definePackageBuild } from "@gtm-clarity/tsup-config";

export default definePackageBuild({ entry: ["src/index.ts", "src/sandbox/index.ts"] });
