import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * The vitest settings every package shares. Tests live beside the code they test (`src/**\/*.test.ts`)
 * or under `test/`; timeouts are generous because CI machines have two cores and run packages in parallel.
 */
export function definePackageConfig(overrides: ViteUserConfig["test"] = {}): ViteUserConfig {
  return defineConfig({
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      environment: "node",
      testTimeout: 30_000,
      hookTimeout: 60_000,
      pool: "forks",
      reporters: process.env["CI"] ? ["default"] : ["default"],
      ...overrides,
    },
  });
}
