/**
 * runConformanceSuite's own wiring: run it (in a child vitest) on broken connectors and check that exactly the
 * tests for their flaws fail, with the checks' messages, and the rest pass.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const vitestBin = path.join(path.dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");

interface AssertionResult {
  title: string;
  status: string;
  failureMessages: string[];
}
interface JsonReport {
  testResults: { name: string; assertionResults: AssertionResult[] }[];
}

let results: Map<string, AssertionResult[]>;

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "testkit-suite-"));
  const outputFile = path.join(dir, "report.json");
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [vitestBin, "run", "--config", "test/fixtures/vitest.fixtures.config.ts", "--reporter=json", `--outputFile=${outputFile}`],
        { cwd: packageRoot, timeout: 90_000, env: { ...process.env, FORCE_COLOR: "0" } },
        // vitest exits 1 because the fixtures fail on purpose; only a missing report is an error here.
        (error) => (error && error.killed ? reject(error) : resolve()),
      );
    });
    const report = JSON.parse(await readFile(outputFile, "utf8")) as JsonReport;
    results = new Map(report.testResults.map((file) => [path.basename(file.name), file.assertionResults]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 300_000);

function statuses(file: string): Record<string, string> {
  const assertions = results.get(file);
  if (!assertions) throw new Error(`no results for ${file} (got ${[...results.keys()].join(", ")})`);
  return Object.fromEntries(assertions.map((assertion) => [assertion.title, assertion.status]));
}

function failure(file: string, title: string): string {
  return results.get(file)?.find((assertion) => assertion.title === title)?.failureMessages.join("\n") ?? "";
}

describe("runConformanceSuite on a connector with three flaws", () => {
  const file = "broken-suite.fixture.ts";

  it("fails exactly the tests for those flaws and passes the rest", () => {
    expect(statuses(file)).toEqual({
      "implements id, name, version, authenticate, sync, getSchema and healthCheck": "passed",
      "registers itself when its entry module is imported": "passed",
      "reports the version from its package.json": "failed",
      "ships default field mappings that target real canonical fields": "passed",
      'transform "transformPerson" is pure and never touches the network': "passed",
      'transform "uses Math.random" is pure and never touches the network': "failed",
      "pages a full sync to completion with valid canonical records and an advancing cursor": "passed",
      "returns nothing new when syncing again from the final cursor": "passed",
      "reports healthy with good credentials": "passed",
      "reports unhealthy with bad credentials, without throwing": "failed",
      "rejects bad credentials in sync with an AuthError": "passed",
      "declares its DPA requirement truthfully, and without an acceptance refuses before any request": "passed",
      "never logs, prints or throws a secret": "failed",
    });
  });

  it("reports each failure with its check's message", () => {
    expect(failure(file, "reports the version from its package.json")).toMatch(/\[version\] connector\.version is "0\.0\.0-typed-by-hand"/);
    expect(failure(file, 'transform "uses Math.random" is pure and never touches the network')).toMatch(/\[transform-purity\].*different output/);
    expect(failure(file, "reports unhealthy with bad credentials, without throwing")).toMatch(/\[health-check-bad-credentials\] healthCheck threw/);
    const secrets = failure(file, "never logs, prints or throws a secret");
    expect(secrets).toMatch(/\[no-secrets-in-output\].*credentials\.apiKey in logger\.debug\("using key"\)/);
    expect(secrets).not.toMatch(/exk_test_[0-9a-f]{8}/);
  });
});

describe("runConformanceSuite when the module registers nothing", () => {
  const file = "unregistered-suite.fixture.ts";

  it("fails every test, none passes by accident", () => {
    const all = statuses(file);
    expect(Object.keys(all).length).toBe(12);
    expect(Object.entries(all).filter(([, status]) => status !== "failed")).toEqual([]);
  });

  it("says why", () => {
    expect(failure(file, "registers itself when its entry module is imported")).toMatch(/did not register "example-nowhere"/);
    expect(failure(file, "has at least one pure transform fixture")).toMatch(/no transform fixtures given/);
  });
});
