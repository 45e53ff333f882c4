/**
 * Where the template package's files are read from. In the repository that is `packages/connector-template`
 * itself, so a generated connector is always the code its own tests proved; a published create-connector carries a
 * copy in `dist/template/` (written by `scripts/copy-template.ts` at build time). This module sits directly under
 * `src/` (and is bundled into `dist/*.js`), so both paths below are relative to the same depth.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Never part of the template: installs, build and test output, release notes of the template package itself. */
export const TEMPLATE_IGNORED: ReadonlySet<string> = new Set([
  "node_modules",
  "dist",
  "coverage",
  "test-results",
  ".turbo",
  "CHANGELOG.md",
]);

const TEMPLATE_CANDIDATES = ["./template/", "../../connector-template/"];

/**
 * The copy's name for the template's package.json: a nested package.json with `exports` inside a published package
 * is misleading to tools that read it (and publint refuses it).
 */
export const SHIPPED_MANIFEST = "_package.json";

/** Relative path -> content, paths with forward slashes. */
export type TemplateFiles = Map<string, string>;

export class TemplateNotFoundError extends Error {
  constructor(looked: readonly string[]) {
    super(`The connector template was not found (looked in ${looked.join(", ")}); reinstall create-connector.`);
    this.name = "TemplateNotFoundError";
  }
}

export function templateDir(): string {
  const looked = TEMPLATE_CANDIDATES.map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)));
  const found = looked.find((dir) => existsSync(join(dir, "src", "index.ts")));
  if (found === undefined) throw new TemplateNotFoundError(looked);
  return found;
}

/** The whole files create-connector ships for standalone packages (tsconfig, eslint, vitest, tsup, .gitignore). */
export function standaloneDir(): string {
  return fileURLToPath(new URL("../standalone/", import.meta.url));
}

/** Every file under `dir` except the ignored ones, sorted by path. */
export function readTree(dir: string): TemplateFiles {
  const files: [string, string][] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (TEMPLATE_IGNORED.has(entry.name) || entry.name.endsWith(".tsbuildinfo")) continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push([shippedToSource(relative(dir, path).split(sep).join("/")), readFileSync(path, "utf8")]);
    }
  };
  walk(dir);
  return new Map(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function shippedToSource(path: string): string {
  return path === SHIPPED_MANIFEST ? "package.json" : path;
}

let cached: TemplateFiles | undefined;

/** The template package's files, read once per process. */
export function loadTemplate(): TemplateFiles {
  cached ??= readTree(templateDir());
  return new Map(cached);
}
