import { definePackageConfig } from "@gtm-clarity/vitest-config";

// A fresh process per test file: the CLI tests set process environment variables (GTM_DATA_DIR, the encryption key)
// for the commands they run in-process, and the Temporal tests install the SDK's runtime, which a process takes once.
export default definePackageConfig({ isolate: true });
