import { definePackageConfig } from "@gtm-clarity/vitest-config";

// The browser test builds and starts the app once; it gets its own, longer budget inside the file.
export default definePackageConfig({ fileParallelism: false });
