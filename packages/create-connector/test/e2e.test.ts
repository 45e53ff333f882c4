/**
 * END-TO-END, HEAVY (about a minute and a half on two cores). What a developer does, in a throwaway copy of this
 * workspace: `pnpm create-connector x --yes`, `pnpm install` (offline, from the local pnpm store), then the generated
 * package's typecheck, lint, tests, build and publint through turbo, which must pass as generated. It also
 * - builds and publints an OAuth + webhooks connector through turbo; its typecheck and lint run in the programs below
 *   (its tsconfig, eslint and vitest configs are checked to be the ones the first package passed turbo with),
 * - typechecks (one tsc program) and lints (one eslint run) every combination of --auth (2) x --kinds (7) x
 *   --webhooks (2), and runs the tests of the OAuth + webhooks connector and of two single-kind combinations in one
 *   vitest run (each package under its own config); these four are independent and run side by side,
 * - checks a standalone package (generated outside any workspace) against its own inlined tsconfig and lint rules,
 *   with its dependencies linked from the copy (typecheck, lint and tests side by side).
 * It prints how many seconds `pnpm create-connector x --yes` takes to reach passing tests.
 *
 * Opt out with CREATE_CONNECTOR_E2E=0: the suite is then reported as skipped, with that reason.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateConnector } from "../src/generate.js";
import { AUTH_MODES, RECORD_KINDS, type RecordKind } from "../src/options.js";
import { findWorkspaceRoot } from "../src/workspace.js";
import { currentRange } from "./support.js";
import { parseVitestReport } from "./vitest-report.js";

const SKIP_REASON =
  process.env["CREATE_CONNECTOR_E2E"] === "0" ? "CREATE_CONNECTOR_E2E=0 was set: the end-to-end test was not run" : "";
if (SKIP_REASON) console.warn(`create-connector e2e: SKIPPED, ${SKIP_REASON}`);

const repoRoot = findWorkspaceRoot(fileURLToPath(new URL(".", import.meta.url)));
/**
 * Not copied: installs, build output and caches, and what other suites write while this one runs in the repo's test
 * command (apps/web's .next and artifacts, every package's test-results, the Node 24 download under .ci/.tools,
 * pnpm's temporary files): a file removed half-way through the copy would fail it, and none of it is needed to
 * generate or check a connector.
 */
const COPY_EXCLUDES = new Set([
  "node_modules",
  ".git",
  "dist",
  ".turbo",
  "coverage",
  ".data",
  ".next",
  "artifacts",
  "test-results",
  ".tools",
]);
/** pnpm's own temporary files (`_tmp_<pid>_<hex>`), which a pnpm run elsewhere in the repo writes and removes. */
const PNPM_TEMP = /^_tmp_\d+_[0-9a-f]+$/;

/** Children get a plain environment: none of the variables pnpm, turbo or this vitest run set for themselves. */
const childEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|turbo_|vitest)/i.test(key) && key !== "NODE_OPTIONS"),
  ),
  CI: "true",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
};

/** Runs a command; on failure the error carries the end of its output, which is what one needs to see. */
function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, env: childEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${String(result.status)}`;
    throw new Error(`\`${command} ${args.join(" ")}\` in ${cwd} failed (${why}):\n${output.slice(-6000)}`);
  }
  return output;
}

/** `run` without blocking, so that independent checks can run side by side. */
function runAsync(command: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", (error) => reject(new Error(`\`${command} ${args.join(" ")}\` in ${cwd} failed (${error.message})`)));
    child.on("close", (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`\`${command} ${args.join(" ")}\` in ${cwd} failed (exit code ${String(code)}):\n${output.slice(-6000)}`));
    });
  });
}

const INSTALL = [
  "install",
  "--offline",
  "--no-frozen-lockfile",
  "--config.pm-on-fail=ignore",
  "--reporter=append-only",
];

function turbo(ws: string, packageNames: readonly string[]): string {
  const filters = packageNames.map((name) => `--filter=${name}`);
  return run("pnpm", ["turbo", "run", "typecheck", "lint", "test", "publint", ...filters, "--output-logs=errors-only"], ws);
}

/** `kinds` as a short name part: person,activity -> "p-t". */
function comboName(auth: string, kinds: readonly RecordKind[], webhooks: boolean): string {
  const letters: Record<RecordKind, string> = { person: "p", account: "a", activity: "t" };
  return `combo-${auth === "oauth" ? "o" : "k"}-${kinds.map((kind) => letters[kind]).join("-")}${webhooks ? "-w" : ""}`;
}

const KIND_SETS: RecordKind[][] = [1, 2, 3, 4, 5, 6, 7].map((mask) =>
  RECORD_KINDS.filter((_, bit) => mask & (1 << bit)),
);

describe.skipIf(SKIP_REASON !== "")(
  "create-connector end to end [heavy: copies the workspace, installs offline]",
  () => {
    let temp = "";
    let ws = "";

    beforeAll(() => {
      if (repoRoot === undefined) throw new Error("create-connector's tests must run inside the connectors workspace");
      temp = realpathSync(mkdtempSync(join(tmpdir(), "create-connector-e2e-")));
      ws = join(temp, "workspace");
      cpSync(repoRoot, ws, {
        recursive: true,
        filter: (source) =>
          !relative(repoRoot, source)
            .split(/[\\/]/)
            .some((part) => COPY_EXCLUDES.has(part) || PNPM_TEMP.test(part)),
      });
      run("pnpm", INSTALL, ws);
    }, 600_000);

    afterAll(() => {
      if (temp !== "" && process.env["KEEP_E2E"] !== "1") rmSync(temp, { recursive: true, force: true });
    });

    it("`pnpm create-connector x --yes` gives a package whose typecheck, lint and tests pass", () => {
      const started = performance.now();
      const created = run("pnpm", ["create-connector", "x", "--yes"], ws);
      expect(created).toContain("Created @gtm-clarity/connector-x in packages/connector-x");
      run("pnpm", INSTALL, ws);
      const output = turbo(ws, ["@gtm-clarity/connector-x"]);
      const seconds = (performance.now() - started) / 1000;
      expect(output).toMatch(/Tasks:\s+5 successful, 5 total/);
      console.log(
        `create-connector e2e: \`pnpm create-connector x --yes\` to passing tests took ${seconds.toFixed(1)} s`,
      );
      const changeset = readFileSync(join(ws, ".changeset", "connector-x-initial.md"), "utf8");
      expect(changeset).toContain('"@gtm-clarity/connector-x": minor');
    }, 720_000);

    it("every --auth x --kinds x --webhooks combination typechecks and lints; OAuth + webhooks and a few others pass their tests", async () => {
      await generateConnector({ dir: ws, name: "y", displayName: "Why Corp", auth: "oauth", webhooks: true });
      const combos: string[] = [];
      for (const auth of AUTH_MODES) {
        for (const kinds of KIND_SETS) {
          for (const webhooks of [false, true]) {
            const name = comboName(auth, kinds, webhooks);
            await generateConnector({ dir: ws, name, auth, kinds, webhooks });
            combos.push(name);
          }
        }
      }
      expect(combos).toHaveLength(28);
      run("pnpm", INSTALL, ws);

      // connector-y goes through the programs below instead of its own typecheck, lint and test scripts: that is
      // the same check only while its configs are the ones connector-x passed `turbo run typecheck lint test` with.
      for (const file of ["tsconfig.json", "eslint.config.js", "vitest.config.ts"]) {
        expect(readFileSync(join(ws, "packages/connector-y", file), "utf8"), file).toBe(
          readFileSync(join(ws, "packages/connector-x", file), "utf8"),
        );
      }

      // One program for y and all 28: core is checked once, and each package resolves its imports from its own
      // node_modules.
      const folders = ["packages/connector-y", ...combos.map((name) => `packages/connector-${name}`)];
      const tsconfig = {
        extends: "./tooling/tsconfig/base.json",
        include: folders.flatMap((folder) => [`${folder}/src`, `${folder}/test`, `${folder}/bench`, `${folder}/*.ts`]),
      };
      writeFileSync(join(ws, "tsconfig.combos.json"), JSON.stringify(tsconfig, null, 2));

      // The tests of y and two combinations in one vitest run; each package is a project under its own config.
      const tested = ["y", comboName("api-key", ["activity"], false), comboName("oauth", ["account"], true)];
      const projects = tested.map((name) => `packages/connector-${name}`);
      writeFileSync(join(ws, "vitest.combos.config.mjs"), `export default { test: { projects: ${JSON.stringify(projects)} } };\n`);
      const report = join(ws, "vitest.combos.json");

      const [built] = await Promise.all([
        runAsync("pnpm", ["turbo", "run", "publint", "--filter=@gtm-clarity/connector-y", "--output-logs=errors-only"], ws),
        runAsync(process.execPath, [join(ws, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.combos.json"], ws),
        runAsync(
          process.execPath,
          [join(ws, "node_modules/eslint/bin/eslint.js"), "--config", "tooling/eslint/index.js", "--max-warnings=0", ...folders],
          ws,
        ),
        runAsync(
          process.execPath,
          [
            join(ws, "node_modules/vitest/vitest.mjs"),
            "run",
            "--config",
            "vitest.combos.config.mjs",
            "--reporter=default",
            "--reporter=json",
            `--outputFile.json=${report}`,
          ],
          ws,
        ),
      ]);
      // build (tsup) and publint of y.
      expect(built).toMatch(/Tasks:\s+2 successful, 2 total/);
      const results = parseVitestReport(readFileSync(report, "utf8"));
      expect(results.numFailedTests).toBe(0);
      for (const project of projects) {
        const files = results.testResults.filter((file) => file.name.startsWith(join(ws, project, "test")));
        expect(files.length, project).toBeGreaterThan(0);
        expect(files.filter((file) => file.status !== "passed"), project).toEqual([]);
      }
    }, 900_000);

    it("a standalone package (outside any workspace) typechecks, lints and passes its tests with its own configs", async () => {
      const outside = join(temp, "elsewhere");
      mkdirSync(outside);
      const result = await generateConnector({ dir: outside, name: "solo", auth: "oauth", webhooks: true });
      expect(result.mode).toBe("standalone");
      const pkg = JSON.parse(readFileSync(join(result.packageDir, "package.json"), "utf8"));
      expect(pkg.dependencies["@gtm-clarity/core"]).toBe(currentRange("core"));

      // No registry here: link what `npm install` would fetch from the copy, the published core being its source.
      const link = (name: string, target: string) => {
        const path = join(result.packageDir, "node_modules", name);
        mkdirSync(dirname(path), { recursive: true });
        symlinkSync(realpathSync(target), path, "dir");
      };
      link("@gtm-clarity/core", join(ws, "packages/core"));
      link("@gtm-clarity/testkit", join(ws, "packages/testkit"));
      link("zod", join(ws, "packages/core/node_modules/zod"));
      for (const name of ["vitest", "typescript", "eslint", "tsup", "@types/node"])
        link(name, join(ws, "node_modules", name));
      for (const name of ["@eslint/js", "typescript-eslint"]) link(name, join(ws, "tooling/eslint/node_modules", name));

      const bin = (path: string) => join(result.packageDir, "node_modules", path);
      const [, , tested] = await Promise.all([
        runAsync(process.execPath, [bin("typescript/bin/tsc"), "-p", "."], result.packageDir),
        runAsync(process.execPath, [bin("eslint/bin/eslint.js"), "--max-warnings=0", "."], result.packageDir),
        runAsync(process.execPath, [bin("vitest/vitest.mjs"), "run"], result.packageDir),
      ]);
      expect(tested).toMatch(/Tests\s+\d+ passed/);
    }, 600_000);
  },
);
