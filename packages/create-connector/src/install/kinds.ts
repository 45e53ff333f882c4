/**
 * Each record kind is a file on the connector side (`src/kinds/<kind>.ts`), one in the sandbox's data and one test;
 * the lists that name them (streams, sandbox data, the two entry modules) hold one kind per line.
 */
import { RECORD_KINDS, type RecordKind } from "../options.js";
import type { TemplateFiles } from "../template-source.js";
import { removeFiles, removeLines } from "./edit.js";

export function kindFiles(kind: RecordKind): readonly string[] {
  return [`src/kinds/${kind}.ts`, `src/sandbox/data/${kind}.ts`, `test/kinds/${kind}.test.ts`];
}

const LISTS = ["src/streams.ts", "src/sandbox/data.ts", "src/index.ts", "src/sandbox/index.ts"] as const;

export function keepKinds(files: TemplateFiles, kinds: readonly RecordKind[]): void {
  for (const kind of RECORD_KINDS) {
    if (kinds.includes(kind)) continue;
    removeFiles(files, kindFiles(kind));
    // `personStream`, `personSandbox`, and imports or re-exports of `.../person.js`.
    const mention = new RegExp(`\\b${kind}(Stream|Sandbox)\\b|/${kind}\\.js"`);
    for (const path of LISTS) removeLines(files, path, mention);
  }
}
