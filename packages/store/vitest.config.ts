import { definePackageConfig } from "@gtm-clarity/vitest-config";

// The global setup initialises one PGlite cluster and hands its dump to every test file: loading a dump takes
// under a second where initdb takes three or more, per file.
export default definePackageConfig({ globalSetup: ["test/global-setup.ts"] });
