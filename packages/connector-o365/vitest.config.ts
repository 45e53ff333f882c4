import { definePackageConfig } from "@gtm-clarity/vitest-config";

export default definePackageConfig();
