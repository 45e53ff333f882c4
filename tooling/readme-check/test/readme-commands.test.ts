/**
 * HEAVY (a few minutes on two cores). Every command README.md and CONTRIBUTING.md show is run exactly as written
 * (placeholders filled: <package>, <name>) through `sh -c`, in a throwaway copy of this workspace that starts in a
 * fresh clone's state: no node_modules, no dist, no .data, no turbo cache. A command that fails, or that the pages
 * show without a way to run here, fails this suite.
 *
 * Two commands are not run here: the README's `npx -y pnpm@<v> install --frozen-lockfile && npx -y pnpm@<v> test`
 * (and CONTRIBUTING's `npx -y pnpm@<v> test`, the same root `pnpm test`) run this very suite, so running them here
 * would recurse. CI runs them as its main step: `.ci/run` holds that line verbatim, which is checked below.
 *
 * Benchmarks run with BENCH_SMOKE=1, which shrinks their default sizes (each says so in its --help): the command is
 * the README's, only the environment differs, and the figures mean nothing.
 *
 * Opt out with README_CHECK=0 (the suite then reports itself as skipped, with that reason).
 */
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contributingCommands, fillPlaceholders, readmeCommands, type DocCommand } from "../src/doc-commands.js";
import { describeFailure, runShell, type Answer, type ShellResult } from "../src/shell.js";
import { commandEnv, copyWorkspace, findWorkspaceRoot, pinnedPnpmVersion } from "../src/workspace.js";

const SKIP_REASON = process.env["README_CHECK"] === "0" ? "README_CHECK=0 was set: README commands were not run" : "";
if (SKIP_REASON) console.warn(`readme-check: SKIPPED, ${SKIP_REASON}`);

const root = findWorkspaceRoot(fileURLToPath(new URL(".", import.meta.url)));
const pnpmVersion = pinnedPnpmVersion(root);
const npxPnpm = `npx -y pnpm@${pnpmVersion}`;
const documented: DocCommand[] = [
  ...readmeCommands(readFileSync(join(root, "README.md"), "utf8")),
  ...contributingCommands(readFileSync(join(root, "CONTRIBUTING.md"), "utf8")),
];

/** What the pages' placeholders become: a real, small package, and the name of a new connector. */
const PLACEHOLDERS = { "<package>": "@gtm-clarity/connector-fathom", "<name>": "acme" } as const;
const NEW_CONNECTOR = `@gtm-clarity/connector-${PLACEHOLDERS["<name>"]}`;

const README_TEST = `${npxPnpm} install --frozen-lockfile && ${npxPnpm} test`;
/** Commands CI runs as its main step instead; they would run this suite again. */
const RUN_BY_CI = new Set([README_TEST, `${npxPnpm} test`, "pnpm test"]);

/** Every command the pages show, as written, and the test below that runs it. */
const RUN_HERE = new Set([
  `${npxPnpm} install --frozen-lockfile`,
  `${npxPnpm} install --frozen-lockfile && ${npxPnpm} demo`,
  "pnpm demo",
  "pnpm --filter @gtm-clarity/worker worker --help",
  "pnpm --filter <package> test",
  "pnpm --filter @gtm-clarity/connector-fathom test",
  "pnpm --filter @gtm-clarity/connector-fathom typecheck",
  "pnpm turbo run publint --filter=@gtm-clarity/connector-fathom",
  "pnpm bench:sync",
  "pnpm bench:sync -- --help",
  "pnpm bench",
  "pnpm --filter @gtm-clarity/core bench",
  "pnpm --filter @gtm-clarity/connector-fathom bench",
  "pnpm create-connector <name>",
  "pnpm test:affected",
  "pnpm changeset",
]);

describe("the commands README.md and CONTRIBUTING.md show", () => {
  it("each has a way to run here (or is CI's own command), and nothing here is stale", () => {
    const shown = new Set(documented.map((entry) => entry.command));
    const unplanned = documented.filter((entry) => !RUN_HERE.has(entry.command) && !RUN_BY_CI.has(entry.command));
    expect(
      unplanned.map((entry) => `${entry.where}: \`${entry.command}\``),
      "commands the pages show that this suite does not run: run them below, or stop showing them",
    ).toEqual([]);
    const stale = [...RUN_HERE].filter((command) => !shown.has(command));
    expect(stale, "commands this suite runs that the pages no longer show").toEqual([]);
  });

  it("the README's test command is what CI runs, on every package's typecheck, lint, test and publint", () => {
    expect(documented.map((entry) => entry.command)).toContain(README_TEST);
    const ci = readFileSync(join(root, ".ci/run"), "utf8");
    const ciVersion = /^PNPM_VERSION=(\S+)$/m.exec(ci)?.[1];
    expect(ciVersion, ".ci/run's PNPM_VERSION is package.json's packageManager").toBe(pnpmVersion);
    const ciLines = ci.split("\n").map((line) => line.trim().replaceAll('"pnpm@$PNPM_VERSION"', `pnpm@${pnpmVersion}`));
    expect(ciLines, ".ci/run runs the README's test command verbatim").toContain(README_TEST);
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(manifest.scripts["test"]).toMatch(/^turbo run (?=.*\btypecheck\b)(?=.*\blint\b)(?=.*\btest\b)(?=.*\bpublint\b)/);
  });
});

describe.skipIf(SKIP_REASON !== "")("README and CONTRIBUTING commands, run as written in a fresh copy [heavy]", () => {
  let temp = "";
  let ws = "";
  let env: NodeJS.ProcessEnv = {};

  beforeAll(() => {
    temp = realpathSync(mkdtempSync(join(tmpdir(), "readme-check-")));
    ws = join(temp, "workspace");
    copyWorkspace(root, ws);
    env = commandEnv(pnpmVersion, join(temp, "bin"));
  }, 300_000);

  afterAll(() => {
    if (temp !== "" && process.env["KEEP_README_CHECK"] !== "1") rmSync(temp, { recursive: true, force: true });
  });

  /**
   * When a test runs alone (`vitest -t ...`), the first one's install has not happened: install the copy then, with
   * a command of this suite's own, so that each test can be run and debugged by itself.
   */
  async function ensureInstalled(): Promise<void> {
    if (existsSync(join(ws, "node_modules"))) return;
    const install = await runShell("pnpm install --offline --frozen-lockfile --reporter=append-only", {
      cwd: ws,
      env,
      timeoutMs: 180_000,
    });
    if (install.code !== 0) throw new Error(describeFailure(install));
  }

  /** Runs a command the pages show, as written (placeholders filled), in the copy; it must exit 0. */
  async function runDocumented(
    command: string,
    options: { extraEnv?: Record<string, string>; answers?: readonly Answer[]; timeoutMs?: number } = {},
  ): Promise<ShellResult> {
    expect(documented.map((entry) => entry.command), "a command the pages show").toContain(command);
    const filled = fillPlaceholders(command, PLACEHOLDERS);
    const result = await runShell(filled, {
      cwd: ws,
      env: { ...env, ...options.extraEnv },
      timeoutMs: options.timeoutMs ?? 240_000,
      ...(options.answers ? { answers: options.answers } : {}),
    });
    if (result.code !== 0) throw new Error(describeFailure(result));
    const how = options.extraEnv ? ` with ${Object.entries(options.extraEnv).map(([k, v]) => `${k}=${v}`).join(" ")}` : "";
    console.log(`readme-check: \`${filled}\`${how} passed in ${result.seconds.toFixed(1)} s`);
    return result;
  }

  const SMOKE = { BENCH_SMOKE: "1" };

  it("Set up, then the first command on a fresh machine: install, then the demo", async () => {
    await runDocumented(`${npxPnpm} install --frozen-lockfile`);
    expect(existsSync(join(ws, "node_modules/.bin/turbo"))).toBe(true);
    const demo = await runDocumented(`${npxPnpm} install --frozen-lockfile && ${npxPnpm} demo`);
    expect(demo.output).toMatch(/full\s+succeeded/);
    expect(demo.output).toMatch(/incremental\s+succeeded/);
  }, 300_000);

  it("`pnpm demo` again (the README says running it again is safe)", async () => {
    await ensureInstalled();
    const demo = await runDocumented("pnpm demo");
    expect(demo.output).toMatch(/incremental\s+succeeded/);
  }, 240_000);

  it("the worker CLI's help lists its commands", async () => {
    await ensureInstalled();
    const help = await runDocumented("pnpm --filter @gtm-clarity/worker worker --help");
    for (const command of ["start", "sync", "connections add", "runs list", "schedules sync"]) {
      expect(help.output).toContain(`  ${command} `);
    }
  }, 300_000);

  it("one package's tests pass with nothing built (no dist anywhere)", async () => {
    await ensureInstalled();
    const built = ["packages", "apps"].flatMap((group) =>
      readdirSync(join(ws, group)).filter((name) => existsSync(join(ws, group, name, "dist"))),
    );
    expect(built, "a fresh clone has no dist").toEqual([]);
    // README's `pnpm --filter <package> test` with <package> = CONTRIBUTING's connector: one run covers both.
    expect(fillPlaceholders("pnpm --filter <package> test", PLACEHOLDERS)).toBe("pnpm --filter @gtm-clarity/connector-fathom test");
    const tests = await runDocumented("pnpm --filter <package> test");
    expect(tests.output).toMatch(/Tests\s+\d+ passed/);
    expect(existsSync(join(ws, "packages/connector-fathom/dist")), "test builds nothing").toBe(false);
    await runDocumented("pnpm --filter @gtm-clarity/connector-fathom typecheck");
    const publint = await runDocumented("pnpm turbo run publint --filter=@gtm-clarity/connector-fathom");
    expect(publint.output).toMatch(/Tasks:\s+2 successful, 2 total/); // its build, then publint
  }, 300_000);

  it("the benchmarks run, each as the pages write it (BENCH_SMOKE=1 sizes)", async () => {
    await ensureInstalled();
    const help = await runDocumented("pnpm bench:sync -- --help");
    expect(help.output).toMatch(/Usage: pnpm bench:sync/);
    const sync = await runDocumented("pnpm bench:sync", { extraEnv: SMOKE });
    expect(sync.output).toMatch(/^PGlite\s+\d/m);
    const core = await runDocumented("pnpm --filter @gtm-clarity/core bench", { extraEnv: SMOKE });
    expect(core.output).toMatch(/ours\/baseline/);
    const fathom = await runDocumented("pnpm --filter @gtm-clarity/connector-fathom bench", { extraEnv: SMOKE });
    expect(fathom.output).toMatch(/target .*: met/);
    const benches = ["packages", "apps"].flatMap((group) =>
      readdirSync(join(ws, group)).filter((name) => {
        const manifest = join(ws, group, name, "package.json");
        return existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { scripts?: Record<string, string> }).scripts?.["bench"];
      }),
    );
    const all = await runDocumented("pnpm bench", { extraEnv: SMOKE, timeoutMs: 480_000 });
    expect(all.output).toMatch(new RegExp(`Tasks:\\s+${benches.length} successful, ${benches.length} total`));
  }, 900_000);

  it("`pnpm create-connector <name>`, then `pnpm test:affected` runs only the new package, and it passes", async () => {
    await ensureInstalled();
    const created = await runDocumented("pnpm create-connector <name>");
    expect(created.output).toContain(`Created ${NEW_CONNECTOR} in packages/connector-${PLACEHOLDERS["<name>"]}`);
    // The scaffolder's next step (it prints it), offline: the new package uses only what the lockfile has.
    const install = await runShell("pnpm install --offline --no-frozen-lockfile --reporter=append-only", {
      cwd: ws,
      env,
      timeoutMs: 180_000,
    });
    if (install.code !== 0) throw new Error(describeFailure(install));
    const affected = await runDocumented("pnpm test:affected", { timeoutMs: 420_000 });
    const ran = new Set([...affected.output.matchAll(/^(\S+):(?:typecheck|lint|test|publint|build): /gm)].map((m) => m[1]));
    expect([...ran], "--affected: the new connector and nothing else").toEqual([NEW_CONNECTOR]);
    expect(affected.output).toMatch(/Tasks:\s+(\d+) successful, \1 total/);
    expect(affected.output).toContain(`${NEW_CONNECTOR}:publint:`);
  }, 600_000);

  it("`pnpm changeset` writes a changeset from the answers to its prompts", async () => {
    await ensureInstalled();
    const before = new Set(readdirSync(join(ws, ".changeset")));
    const result = await runDocumented("pnpm changeset", {
      timeoutMs: 120_000,
      answers: [
        { prompt: /Which packages would you like to include/, keys: " \r" }, // the first group: all of its packages
        { prompt: /major bump\?/, keys: "\r" },
        { prompt: /minor bump\?/, keys: "\r" },
        { prompt: /enter a summary/, keys: "readme check\r" },
        { prompt: /desired changeset\?/, keys: "y\r" },
      ],
    });
    const added = readdirSync(join(ws, ".changeset")).filter((name) => !before.has(name));
    expect(added, result.output).toHaveLength(1);
    const changeset = readFileSync(join(ws, ".changeset", added[0] ?? ""), "utf8");
    expect(changeset).toMatch(/^---\n(".+": patch\n)+---\n\nreadme check\n$/);
  }, 180_000);
});
