import { definePackageConfig } from "@gtm-clarity/vitest-config";

// The global setup migrates one PGlite cluster and hands its dump to every file, so a runtime's database loads in
// well under a second instead of paying initdb and the migrations each time.
// The files share one worker process (isolate: false): none mocks modules or patches globals, each starts its own
// runtime in its beforeAll and closes it in its afterAll, and the runtime sets the process environment it needs
// (keys, sandbox OAuth registrations) when it starts; a fresh process per file only re-paid Node, vite and module
// start-up. The browser test builds and starts the app once and has its own, longer budget inside the file. On a
// loaded 2-core CI machine (turbo runs packages side by side) starting a runtime can still take a while: the hook
// budget says so.
export default definePackageConfig({ globalSetup: ["test/global-setup.ts"], isolate: false, fileParallelism: false, hookTimeout: 240_000 });
