import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** The nearest folder at or above `from` holding pnpm-workspace.yaml; undefined outside the monorepo. */
export function findWorkspaceRoot(from: string = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Where the embedded database lives by default: `.data/pglite` at the repo root, else under the working folder. */
export function defaultDataDir(from: string = process.cwd()): string {
  return join(findWorkspaceRoot(from) ?? resolve(from), ".data", "pglite");
}
