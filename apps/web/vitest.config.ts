import { definePackageConfig } from "@gtm-clarity/vitest-config";

// The global setup migrates one PGlite cluster and hands its dump to every file, so a runtime's database loads in
// well under a second instead of paying initdb and the migrations each time.
// The files share one worker process (the shared default), one file at a time: none mocks modules or patches
// globals, each starts its own runtime in its beforeAll and closes it in its afterAll, and the runtime sets the
// process environment it needs (keys, sandbox OAuth registrations) when it starts. The browser test builds and
// starts the app once and has its own, longer budget inside the file. Under CI the shared hook limit (300 s) covers
// a runtime that starts slowly on a loaded 2-core machine.
export default definePackageConfig({ globalSetup: ["test/global-setup.ts"], fileParallelism: false });
