import { definePackageConfig } from "@gtm-clarity/vitest-config";

// A fresh process per test file: the HTTP client's deadline tests measure wall-clock time under deliberate GC
// pressure, and one of them missed its window in a CI run once core's files shared a process (a larger heap, and
// whatever an earlier file left running on the event loop).
export default definePackageConfig({ isolate: true });
