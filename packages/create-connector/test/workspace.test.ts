import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  collisionProblem,
  findWorkspaceRoot,
  resolveTarget,
  workspaceGlobs,
  workspacePackageNames,
} from "../src/workspace.js";
import { fakeWorkspace, tempDir } from "./support.js";

describe("workspace detection", () => {
  let dir: ReturnType<typeof tempDir>;

  beforeEach(() => {
    dir = tempDir();
  });

  afterEach(() => {
    dir.remove();
  });

  it("finds pnpm-workspace.yaml in the folder or above, and nothing outside a workspace", () => {
    const root = fakeWorkspace(dir.path);
    expect(findWorkspaceRoot(root)).toBe(root);
    expect(findWorkspaceRoot(join(root, "packages", "core"))).toBe(root);
    const outside = tempDir();
    try {
      expect(findWorkspaceRoot(outside.path)).toBeUndefined();
    } finally {
      outside.remove();
    }
  });

  it("puts a workspace connector in packages/, and a standalone one in the folder itself", () => {
    const root = fakeWorkspace(dir.path);
    expect(resolveTarget(join(root, "apps"), "acme")).toEqual({
      mode: "workspace",
      root,
      packageDir: join(root, "packages", "connector-acme"),
      changesetDir: join(root, ".changeset"),
    });
    const outside = tempDir();
    try {
      expect(resolveTarget(outside.path, "acme")).toEqual({
        mode: "standalone",
        packageDir: join(outside.path, "connector-acme"),
      });
    } finally {
      outside.remove();
    }
  });

  it("reads the packages globs of pnpm-workspace.yaml, quoted or commented", () => {
    const yaml = "packages:\n  - packages/*\n  - 'apps/*'\n  - \"tooling/**\" # configs\n  - '!**/test/**'\nother: 1\n";
    expect(workspaceGlobs(yaml)).toEqual(["packages/*", "apps/*", "tooling/**"]);
  });

  it("knows every package name in the workspace", () => {
    const root = fakeWorkspace(dir.path);
    expect([...workspacePackageNames(root)].sort()).toEqual([
      "@gtm-clarity/connector-fathom",
      "@gtm-clarity/connector-legacy",
      "@gtm-clarity/core",
    ]);
  });

  it("reports a name that is already a package, by folder or by package name, or has a changeset", () => {
    const root = fakeWorkspace(dir.path);
    expect(collisionProblem(resolveTarget(root, "fathom"), "fathom")).toContain("already a package");
    expect(collisionProblem(resolveTarget(root, "legacy"), "legacy")).toContain("@gtm-clarity/connector-legacy");
    writeFileSync(join(root, ".changeset", "connector-orphan-initial.md"), "---\n---\n");
    expect(collisionProblem(resolveTarget(root, "orphan"), "orphan")).toContain("connector-orphan-initial.md");
    expect(collisionProblem(resolveTarget(root, "acme"), "acme")).toBeUndefined();
  });

  it("reports an existing standalone folder", () => {
    mkdirSync(join(dir.path, "connector-acme"));
    expect(collisionProblem(resolveTarget(dir.path, "acme"), "acme")).toContain("already exists");
  });
});
