// Imported by relative path, not as "@gtm-clarity/vitest-config": vitest's default config loader bundles the
// config with esbuild but leaves packages external, and Node then refuses the package's `.ts` entry
// (ERR_UNKNOWN_FILE_EXTENSION). A relative import is bundled, so `npx vitest run` works without flags.
import { definePackageConfig } from "../../tooling/vitest/index.js";

export default definePackageConfig();
