import { definePackageConfig } from "@gtm-clarity/vitest-config";

// The global setup initialises one PGlite cluster and hands its dump to every test file: loading a dump takes
// under a second where initdb takes three or more, per file.
// The files share worker processes (the shared default): no test here mocks modules, patches globals or changes
// the environment, and every file opens its own databases.
export default definePackageConfig({ globalSetup: ["test/global-setup.ts"] });
