import { definePackageBuild } from "@gtm-clarity/tsup-config";

export default definePackageBuild({
  // Two entries: `./sandbox` is imported at run time by connectors and apps, and must not pull in the suite.
  entry: ["src/index.ts", "src/sandbox/index.ts"],
  // The conformance suite registers tests with the caller's own vitest; bundling a second copy would break it.
  external: ["vitest", "@gtm-clarity/core"],
});
