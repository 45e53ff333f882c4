import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    // Generous: the sandbox is a real HTTP server and the conformance suite runs several full syncs.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
