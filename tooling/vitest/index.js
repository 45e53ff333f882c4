import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * The vitest settings every package shares. Tests live beside the code they test (`src/**\/*.test.ts`) or under
 * `test/`. Timeouts are generous because CI machines have two cores and turbo runs packages side by side.
 * Under CI a JSON report is written too, so `.ci/tally.mjs` can print one pass/fail line for the whole repo.
 * Plain JS (typed by index.d.ts): vitest loads configs with Node, which cannot import .ts from node_modules on Node 20.
 *
 * @param {import("vitest/config").ViteUserConfig["test"]} overrides
 */
export function definePackageConfig(overrides = {}) {
  const ci = process.env["CI"] === "true" || process.env["CI"] === "1";
  return defineConfig({
    test: {
      include: ["src/**/*.test.ts", "test/**/*.test.ts"],
      environment: "node",
      // Under CI every package's suites run at once on two cores, and a day when the host is slow stretches a
      // setup that takes one second alone to minutes (seen: a PGlite open in a beforeAll past 120 s, a test of four
      // CLI processes past 120 s). CI waits long before calling a test hung (a hang still ends the run well inside
      // CI's limit); locally the shorter limits still catch one quickly.
      testTimeout: ci ? 300_000 : 30_000,
      hookTimeout: ci ? 300_000 : 60_000,
      pool: "forks",
      // A package's test files share their worker processes (each file still gets its own vitest context and
      // mocks): a fresh process per file re-paid Node, vite and module start-up, which measured 40 to 65% of the CPU
      // time of the connector, core and testkit suites on a 2-core machine. A package whose files change
      // process-wide state (environment variables they do not restore, a runtime that installs once per process)
      // sets `isolate: true`.
      isolate: false,
      // vitest's default is one worker fewer than the cores: a single worker on a 2-core CI machine, so a package's
      // files ran one after another and its longest suite (the worker's) ran alone on one core at the end of CI.
      // Two at least: files that wait on sockets, child processes or Postgres overlap, and the last suite uses both
      // cores. Every suite already runs its files side by side on a developer's machine with more cores.
      maxWorkers: Math.max(2, availableParallelism() - 1),
      reporters: ci ? ["default", "json"] : ["default"],
      ...(ci ? { outputFile: { json: "test-results/vitest.json" } } : {}),
      ...overrides,
    },
  });
}
