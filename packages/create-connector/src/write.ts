/**
 * Writes a generated connector so that it appears whole or not at all: every file goes into a hidden temporary
 * folder next to the target, which is renamed into place at the end. A failure, or Ctrl-C (SIGINT) while
 * writing, removes whatever this run created.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { existsSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";

export interface FileToWrite {
  /** Relative to the package folder, with forward slashes. */
  path: string;
  content: string;
}

export interface WritePlan {
  packageDir: string;
  files: readonly FileToWrite[];
  /** Files outside the package (the workspace's changeset), by absolute path; each must not exist yet. */
  extraFiles?: readonly { path: string; content: string }[];
}

export interface WriteHooks {
  /** Runs after every file is in the temporary folder, before anything is renamed into place (tests use it). */
  beforeCommit?: () => void | Promise<void>;
  /** What an interrupt does after cleaning up; defaults to exiting with 130 like a shell. */
  onInterrupt?: () => void;
}

/** Paths this run created, removed in reverse order on failure. */
class Rollback {
  readonly #paths: string[] = [];
  add(path: string): void {
    this.#paths.push(path);
  }
  run(): void {
    for (const path of this.#paths.reverse()) rmSync(path, { recursive: true, force: true });
    this.#paths.length = 0;
  }
}

function tempName(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
}

/** The outermost folder of `dir` that does not exist yet (the one to remove on rollback), if any. */
function firstMissingAncestor(dir: string): string | undefined {
  let missing: string | undefined;
  let current = dir;
  while (!existsSync(current)) {
    missing = current;
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return missing;
}

export async function writeAtomically(plan: WritePlan, hooks: WriteHooks = {}): Promise<void> {
  const rollback = new Rollback();
  const onSigint = () => {
    rollback.run();
    if (hooks.onInterrupt) hooks.onInterrupt();
    else process.exit(130);
  };
  process.on("SIGINT", onSigint);
  try {
    if (existsSync(plan.packageDir)) throw new Error(`${plan.packageDir} already exists`);
    const parent = dirname(plan.packageDir);
    const createdParent = firstMissingAncestor(parent);
    if (createdParent !== undefined) rollback.add(createdParent);
    await mkdir(parent, { recursive: true });

    const staging = tempName(plan.packageDir);
    rollback.add(staging);
    for (const file of plan.files) {
      const path = join(staging, ...file.path.split("/"));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.content, { flag: "wx" });
    }
    const extras: { temp: string; final: string }[] = [];
    for (const extra of plan.extraFiles ?? []) {
      if (existsSync(extra.path)) throw new Error(`${extra.path} already exists`);
      const temp = tempName(extra.path);
      rollback.add(temp);
      await writeFile(temp, extra.content, { flag: "wx" });
      extras.push({ temp, final: extra.path });
    }
    await hooks.beforeCommit?.();

    await rename(staging, plan.packageDir);
    rollback.add(plan.packageDir);
    for (const extra of extras) {
      await rename(extra.temp, extra.final);
      rollback.add(extra.final);
    }
  } catch (error) {
    rollback.run();
    throw error;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
