/**
 * Build step (tsup's onSuccess): a published create-connector cannot reach packages/connector-template, so
 * `dist/template/` carries a copy of its files (the same selection generation reads: no node_modules, dist or test
 * output). The manifest is renamed (see SHIPPED_MANIFEST).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readTree, SHIPPED_MANIFEST, templateDir } from "../src/template-source.js";

export function copyTemplate(): void {
  const target = fileURLToPath(new URL("../dist/template/", import.meta.url));
  const source = templateDir();
  if (source === target) throw new Error("copy-template: the template source is the copy itself");
  const files = readTree(source);
  rmSync(target, { recursive: true, force: true });
  for (const [sourcePath, content] of files) {
    const path = sourcePath === "package.json" ? SHIPPED_MANIFEST : sourcePath;
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), content);
  }
  console.log(`copy-template: ${files.size} files from ${source} into dist/template/`);
}
