/**
 * Every CLI, benchmark and script of the workspace (each package.json script that runs a TypeScript file through
 * tsx, and each root script that hands over to one) answers `--help` with its usage, reached the way pnpm passes
 * arguments: `pnpm <script> -- --help`. pnpm hands the `--` through, so this also proves each one accepts it.
 * Read-only: it runs in this workspace, not in a copy.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeFailure, runShell } from "../src/shell.js";
import { commandEnv, findWorkspaceRoot, pinnedPnpmVersion } from "../src/workspace.js";

interface Manifest {
  name?: string;
  scripts?: Record<string, string>;
}

const root = findWorkspaceRoot(fileURLToPath(new URL(".", import.meta.url)));
const readManifest = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;

/**
 * `pnpm <script> -- --help` for each root script that hands over to a package's tsx script, and
 * `pnpm --filter <name> <script> -- --help` for every other package script that runs tsx. A script whose command
 * another one already covers (the same command in the same package, or the target of a root handover) is run once.
 */
function helpCommands(): string[] {
  const packages = new Map<string, Manifest>();
  for (const group of ["packages", "apps", "tooling"]) {
    for (const name of readdirSync(join(root, group))) {
      if (!existsSync(join(root, group, name, "package.json"))) continue;
      const manifest = readManifest(join(root, group, name));
      if (manifest.name) packages.set(manifest.name, manifest);
    }
  }
  const runsTsx = (script: string) => /(^|\s)tsx\s/.test(script);
  const commands: string[] = [];
  const covered = new Set<string>(); // "<package> <script command>"
  for (const [script, body] of Object.entries(readManifest(root).scripts ?? {})) {
    const handover = /^pnpm --filter (\S+) ([\w:-]+)$/.exec(body);
    const name = handover?.[1] ?? "";
    const target = packages.get(name)?.scripts?.[handover?.[2] ?? ""];
    if (target !== undefined && runsTsx(target)) covered.add(`${name} ${target}`);
    if (runsTsx(body) || (target !== undefined && runsTsx(target))) commands.push(`pnpm ${script} -- --help`);
  }
  for (const [name, manifest] of packages) {
    for (const [script, body] of Object.entries(manifest.scripts ?? {})) {
      if (!runsTsx(body) || covered.has(`${name} ${body}`)) continue;
      covered.add(`${name} ${body}`);
      commands.push(`pnpm --filter ${name} ${script} -- --help`);
    }
  }
  return commands;
}

const commands = helpCommands();

describe("every CLI, benchmark and script answers `pnpm <script> -- --help`", () => {
  it("finds the workspace's CLIs (the worker's, the store's, create-connector's) and every benchmark", () => {
    for (const expected of [
      "pnpm --filter @gtm-clarity/worker worker -- --help",
      "pnpm --filter @gtm-clarity/worker build:workflows -- --help",
      "pnpm --filter @gtm-clarity/store migrate -- --help",
      "pnpm create-connector -- --help",
      "pnpm bench:sync -- --help",
      "pnpm demo -- --help",
      "pnpm --filter @gtm-clarity/core bench -- --help",
    ]) {
      expect(commands).toContain(expected);
    }
  });

  // A few at a time (vitest.config.ts: maxConcurrency): each is a pnpm, a tsx and a module graph starting up.
  it.concurrent.for(commands)("`%s` prints its usage and exits 0", { timeout: 120_000 }, async (command, { expect }) => {
    const temp = mkdtempSync(join(tmpdir(), "cli-help-"));
    try {
      const result = await runShell(command, {
        cwd: root,
        env: commandEnv(pinnedPnpmVersion(root), join(temp, "bin")),
        timeoutMs: 90_000,
      });
      if (result.code !== 0) throw new Error(describeFailure(result));
      expect(result.output).toMatch(/usage/i);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
