/**
 * The few edits installers make to the template's files. Each one insists that it changed something: an edit that
 * finds nothing means the template moved under its installer, which the tests then report by name.
 */
import type { TemplateFiles } from "../template-source.js";

export class TemplateDriftError extends Error {
  constructor(message: string) {
    super(`The connector template no longer matches its installer: ${message}`);
    this.name = "TemplateDriftError";
  }
}

function read(files: TemplateFiles, path: string): string {
  const content = files.get(path);
  if (content === undefined) throw new TemplateDriftError(`${path} is missing`);
  return content;
}

export function removeFiles(files: TemplateFiles, paths: readonly string[]): void {
  for (const path of paths) {
    read(files, path);
    files.delete(path);
  }
}

/** Replaces the line that is exactly `from`. */
export function replaceLine(files: TemplateFiles, path: string, from: string, to: string): void {
  const lines = read(files, path).split("\n");
  const index = lines.indexOf(from);
  if (index === -1) throw new TemplateDriftError(`${path} has no line ${JSON.stringify(from)}`);
  lines[index] = to;
  files.set(path, lines.join("\n"));
}

/** Removes every line matching `pattern`; at least one must. */
export function removeLines(files: TemplateFiles, path: string, pattern: RegExp): void {
  const lines = read(files, path).split("\n");
  const kept = lines.filter((line) => !pattern.test(line));
  if (kept.length === lines.length) throw new TemplateDriftError(`${path} has no line matching ${String(pattern)}`);
  files.set(path, kept.join("\n"));
}
