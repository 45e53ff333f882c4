import { definePackageConfig } from "@gtm-clarity/vitest-config";

// cli-help runs its commands side by side; more than three would only queue on a two-core machine.
export default definePackageConfig({ maxConcurrency: 3 });
