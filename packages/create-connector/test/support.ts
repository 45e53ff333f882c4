/** Throwaway workspaces and folders for the generator's tests. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { CliIo } from "../src/run.js";

export function tempDir(prefix = "create-connector-test-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The range a standalone scaffold must give one of our packages: a caret on its version in the monorepo now. */
export function currentRange(folder: "core" | "testkit"): string {
  const manifest = JSON.parse(readFileSync(new URL(`../../${folder}/package.json`, import.meta.url), "utf8")) as { version: unknown };
  return `^${String(manifest.version)}`;
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A minimal pnpm workspace shaped like the monorepo: core, the Fathom connector, and an app whose package name
 * claims a connector name although its folder does not.
 */
export function fakeWorkspace(root: string): string {
  writeFileSync(
    join(root, "pnpm-workspace.yaml"),
    'packages:\n  - packages/*\n  - "apps/*"\n  - tooling/* # shared configs\n\nallowBuilds:\n  esbuild: false\n',
  );
  writeJson(join(root, "package.json"), { name: "fake-root", private: true });
  for (const [folder, name] of [
    ["packages/core", "@gtm-clarity/core"],
    ["packages/connector-fathom", "@gtm-clarity/connector-fathom"],
    ["apps/legacy", "@gtm-clarity/connector-legacy"],
  ] as const) {
    mkdirSync(join(root, folder), { recursive: true });
    writeJson(join(root, folder, "package.json"), { name, version: "0.1.0" });
  }
  mkdirSync(join(root, ".changeset"));
  writeFileSync(join(root, ".changeset", "config.json"), "{}\n");
  return root;
}

/** Every file and folder under `root`, relative and sorted: "nothing was written" is an unchanged listing. */
export function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      out.push(relative(root, path) + (entry.isDirectory() ? "/" : ""));
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(root);
  return out.sort();
}

/** An in-memory CliIo: what the CLI printed, and whether it may ask questions. */
export function memoryIo(cwd: string, interactive = false): CliIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    interactive,
    cwd,
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}
