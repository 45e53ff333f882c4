/**
 * Outside a workspace there are no shared tooling packages: the generated package gets whole config files that
 * create-connector ships (`standalone/`), a .gitignore, and README commands that run without turbo.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { standaloneDir, type TemplateFiles } from "../template-source.js";
import { TemplateDriftError } from "./edit.js";

/** Shipped name -> name in the package (npm drops files named .gitignore from a published tarball). */
export const STANDALONE_FILES = {
  "tsconfig.json": "tsconfig.json",
  "eslint.config.js": "eslint.config.js",
  "vitest.config.ts": "vitest.config.ts",
  "tsup.config.ts": "tsup.config.ts",
  gitignore: ".gitignore",
} as const;

const WORKSPACE_COMMANDS = /^pnpm (turbo|--filter) .*\n/gm;
const STANDALONE_COMMANDS = ["pnpm typecheck", "pnpm lint", "pnpm test", "pnpm build && pnpm publint   # publint checks the built package"];

export function installStandalone(files: TemplateFiles): void {
  const dir = standaloneDir();
  for (const [shipped, target] of Object.entries(STANDALONE_FILES)) {
    files.set(target, readFileSync(join(dir, shipped), "utf8"));
  }
  const readme = files.get("README.md") ?? "";
  const commands = readme.match(WORKSPACE_COMMANDS);
  if (commands === null) throw new TemplateDriftError("README.md has no workspace commands to replace");
  const first = readme.indexOf(commands[0] ?? "");
  const withoutWorkspace = readme.replace(WORKSPACE_COMMANDS, "");
  files.set(
    "README.md",
    `${withoutWorkspace.slice(0, first)}${STANDALONE_COMMANDS.join("\n")}\n${withoutWorkspace.slice(first)}`,
  );
}
