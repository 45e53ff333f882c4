/** The throwaway copy of the workspace that README commands run in, and the environment they run with. */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export function findWorkspaceRoot(from: string): string {
  let current = resolve(from);
  for (;;) {
    if (existsSync(join(current, "pnpm-workspace.yaml"))) return current;
    const parent = dirname(current);
    if (parent === current) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    current = parent;
  }
}

/** Left out of the copy: what an install, a build, a run or git makes. What remains is a fresh clone's state. */
const NOT_COPIED = new Set(["node_modules", ".git", "dist", ".turbo", ".data", "coverage", "test-results", ".tools"]);

/** Copies the working tree (uncommitted changes included) and commits it as `main`, so `--affected` has a base. */
export function copyWorkspace(root: string, destination: string): void {
  cpSync(root, destination, {
    recursive: true,
    filter: (source) =>
      !relative(root, source)
        .split(/[\\/]/)
        .some((part) => NOT_COPIED.has(part)),
  });
  const git = (...args: string[]) => {
    const result = spawnSync("git", args, { cwd: destination, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}${result.error?.message ?? ""}`);
  };
  git("init", "--quiet", "--initial-branch=main");
  git("add", "--all");
  git("-c", "user.name=readme-check", "-c", "user.email=readme-check@localhost", "-c", "commit.gpgsign=false",
    "commit", "--quiet", "--no-verify", "--message", "workspace as copied");
}

/** The pnpm version the README's `npx -y pnpm@<version>` names: package.json's packageManager. */
export function pinnedPnpmVersion(root: string): string {
  const manifest: unknown = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const packageManager =
    typeof manifest === "object" && manifest !== null && "packageManager" in manifest ? manifest.packageManager : undefined;
  const match = typeof packageManager === "string" ? /^pnpm@(\d+\.\d+\.\d+)$/.exec(packageManager) : null;
  if (!match?.[1]) throw new Error(`package.json#packageManager is not "pnpm@<x.y.z>": ${String(packageManager)}`);
  return match[1];
}

/**
 * The environment README commands get: this process's, minus what pnpm, turbo and vitest set for themselves (a
 * command must behave as in a fresh terminal). `pnpm` on PATH is the pinned version: when the one found is another
 * (a global install), a shim in `shimDir` runs `npx -y pnpm@<pinned>` instead.
 */
export function commandEnv(pnpmVersion: string, shimDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !/^(npm_|pnpm_|turbo_|vitest|__vitest)/i.test(key) && key !== "NODE_OPTIONS" && key !== "INIT_CWD",
      ),
    ),
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    TURBO_TELEMETRY_DISABLED: "1",
    DO_NOT_TRACK: "1",
  };
  const found = spawnSync("pnpm", ["--version"], { env, encoding: "utf8" });
  if (found.status === 0 && found.stdout.trim() === pnpmVersion) return env;
  mkdirSync(shimDir, { recursive: true });
  const shim = join(shimDir, "pnpm");
  writeFileSync(shim, `#!/bin/sh\nexec npx -y pnpm@${pnpmVersion} "$@"\n`);
  chmodSync(shim, 0o755);
  return { ...env, PATH: `${shimDir}:${env["PATH"] ?? ""}` };
}
