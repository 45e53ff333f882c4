import { definePackageConfig } from "@gtm-clarity/vitest-config";

// The browser test builds and starts the app once; it gets its own, longer budget inside the file. Every other file
// starts the runtime with all five sandboxes and a migrated PGlite in its beforeAll, which on a loaded 2-core CI
// machine (turbo runs packages side by side) can take minutes: the hook budget says so.
export default definePackageConfig({ fileParallelism: false, hookTimeout: 240_000 });
