/**
 * Where a connector goes. Inside a pnpm workspace (a `pnpm-workspace.yaml` in the folder or any parent) it
 * becomes `<root>/packages/connector-<name>` with workspace dependencies; anywhere else a standalone package
 * `<dir>/connector-<name>` that depends on the published core.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export type Target =
  | { mode: "workspace"; root: string; packageDir: string; changesetDir: string }
  | { mode: "standalone"; packageDir: string };

export function findWorkspaceRoot(from: string): string | undefined {
  let current = resolve(from);
  for (;;) {
    if (existsSync(join(current, "pnpm-workspace.yaml"))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

export function packageFolderName(name: string): string {
  return `connector-${name}`;
}

export function packageName(name: string): string {
  return `@gtm-clarity/connector-${name}`;
}

export function resolveTarget(dir: string, name: string): Target {
  const root = findWorkspaceRoot(dir);
  if (root === undefined) return { mode: "standalone", packageDir: join(resolve(dir), packageFolderName(name)) };
  return {
    mode: "workspace",
    root,
    packageDir: join(root, "packages", packageFolderName(name)),
    changesetDir: join(root, ".changeset"),
  };
}

/**
 * The `packages:` globs of a pnpm-workspace.yaml. Only the list form pnpm documents is read (`- "dir/*"`);
 * exclusions (`!dir`) are dropped, because a collision with an excluded folder is still a collision.
 */
export function workspaceGlobs(yaml: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const rawLine of yaml.split(/\r?\n/)) {
    const line = rawLine.replace(/\s+#.*$/, "");
    if (/^packages:\s*$/.test(line)) {
      inPackages = true;
      continue;
    }
    if (!inPackages) continue;
    const item = /^\s+-\s*(.+?)\s*$/.exec(line);
    if (item?.[1] !== undefined) {
      const glob = item[1].replace(/^(["'])(.*)\1$/, "$2");
      if (!glob.startsWith("!")) globs.push(glob);
      continue;
    }
    if (line.trim() !== "" && !/^\s/.test(line)) inPackages = false;
  }
  return globs;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Package folders matched by one glob. Supports `dir`, `dir/*` and `dir/**`, the forms workspaces use. */
function foldersOf(root: string, glob: string): string[] {
  const clean = glob.replace(/\/+$/, "");
  const recursive = clean.endsWith("/**");
  const single = clean.endsWith("/*");
  if (!recursive && !single) return isDirectory(join(root, clean)) ? [join(root, clean)] : [];
  const base = join(root, clean.slice(0, clean.lastIndexOf("/")));
  if (!isDirectory(base)) return [];
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      found.push(path);
      if (recursive && depth < 4) walk(path, depth + 1);
    }
  };
  walk(base, 0);
  return found;
}

/** Names of every package in the workspace, read from their package.json files. */
export function workspacePackageNames(root: string): Set<string> {
  const names = new Set<string>();
  let yaml = "";
  try {
    yaml = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  } catch {
    return names;
  }
  for (const glob of workspaceGlobs(yaml)) {
    for (const folder of foldersOf(root, glob)) {
      try {
        const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { name?: unknown };
        if (typeof manifest.name === "string") names.add(manifest.name);
      } catch {
        // not a package (no or unreadable package.json): nothing to collide with
      }
    }
  }
  return names;
}

export function changesetFileName(name: string): string {
  return `connector-${name}-initial.md`;
}

/** Why a connector called `name` cannot be created at `target`, or undefined when it can. */
export function collisionProblem(target: Target, name: string): string | undefined {
  if (existsSync(target.packageDir)) {
    return `${target.packageDir} already exists: "${name}" is already a package. Pick another name or remove that folder.`;
  }
  if (target.mode === "standalone") return undefined;
  if (workspacePackageNames(target.root).has(packageName(name))) {
    return `The workspace already has a package named ${packageName(
      name,
    )}: "${name}" is already a package. Pick another name.`;
  }
  const changeset = join(target.changesetDir, changesetFileName(name));
  if (existsSync(changeset)) return `${changeset} already exists. Remove it or pick another name.`;
  return undefined;
}
