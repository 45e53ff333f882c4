/**
 * `@gtm-clarity/testkit/sandbox` is imported at run time (connectors' `./sandbox` exports, the worker's demo), where
 * vitest is not installed. This walks every module reachable from the entry and lists what it imports from outside.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/g;

function reachable(entry: string): { files: Set<string>; external: Map<string, boolean> } {
  const files = new Set<string>();
  /** specifier -> whether every import of it is type-only (erased at run time) */
  const external = new Map<string, boolean>();
  const queue = [entry];
  for (let guard = 0; queue.length > 0 && guard < 1_000; guard += 1) {
    const file = queue.pop() ?? "";
    if (files.has(file)) continue;
    files.add(file);
    for (const [, , typeOnly, specifier = ""] of readFileSync(file, "utf8").matchAll(IMPORT)) {
      if (specifier.startsWith(".")) {
        // Type-only ones too: the published declarations must not reach vitest's types either.
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      } else {
        external.set(specifier, (external.get(specifier) ?? true) && typeOnly !== undefined);
      }
    }
  }
  return { files, external };
}

describe("the ./sandbox entry", () => {
  const entry = fileURLToPath(new URL("./index.ts", import.meta.url));
  const { files, external } = reachable(entry);

  it("reaches only the kit's own modules, never the conformance suite or a test", () => {
    const here = dirname(entry);
    expect(files.size).toBeGreaterThan(10);
    for (const file of files) {
      expect(dirname(file), file).toBe(here);
      expect(file).not.toMatch(/\.test\.ts$|test-helpers\.ts$/);
    }
  });

  it("imports nothing at run time but node builtins and zod (core only for types)", () => {
    const runtime = [...external].filter(([, typeOnly]) => !typeOnly).map(([specifier]) => specifier);
    expect(runtime.filter((specifier) => !specifier.startsWith("node:")).sort()).toEqual(["zod"]);
    expect([...external.keys()]).not.toContain("vitest");
  });
});
