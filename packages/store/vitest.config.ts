import { definePackageConfig } from "@gtm-clarity/vitest-config";

// The global setup initialises one PGlite cluster and hands its dump to every test file: loading a dump takes
// under a second where initdb takes three or more, per file.
// The files share one worker process (isolate: false): no test here mocks modules, patches globals or changes the
// environment, and every file opens its own databases, so a fresh process per file only re-paid Node, vite and
// PGlite start-up (about half of the suite's CPU time on a 2-core machine).
export default definePackageConfig({ globalSetup: ["test/global-setup.ts"], isolate: false });
