import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeAtomically, type WritePlan } from "../src/write.js";
import { listing, tempDir } from "./support.js";

describe("writeAtomically", () => {
  let dir: ReturnType<typeof tempDir>;
  let plan: WritePlan;

  beforeEach(() => {
    dir = tempDir();
    mkdirSync(join(dir.path, ".changeset"));
    plan = {
      packageDir: join(dir.path, "packages", "connector-acme"),
      files: [
        { path: "package.json", content: "{}\n" },
        { path: "src/sync/pull.ts", content: "export {};\n" },
      ],
      extraFiles: [{ path: join(dir.path, ".changeset", "connector-acme-initial.md"), content: "---\n---\n" }],
    };
  });

  afterEach(() => {
    dir.remove();
  });

  it("writes every file, and the extra files, in place", async () => {
    await writeAtomically(plan);
    expect(listing(dir.path)).toEqual([
      ".changeset/",
      ".changeset/connector-acme-initial.md",
      "packages/",
      "packages/connector-acme/",
      "packages/connector-acme/package.json",
      "packages/connector-acme/src/",
      "packages/connector-acme/src/sync/",
      "packages/connector-acme/src/sync/pull.ts",
    ]);
    expect(readFileSync(join(plan.packageDir, "src/sync/pull.ts"), "utf8")).toBe("export {};\n");
  });

  it("leaves nothing behind when it fails before the end, not even the folders it created", async () => {
    const before = listing(dir.path);
    await expect(
      writeAtomically(plan, {
        beforeCommit: () => {
          throw new Error("disk full");
        },
      }),
    ).rejects.toThrow("disk full");
    expect(listing(dir.path)).toEqual(before);
  });

  it("cleans up and reports an interrupt (Ctrl-C) in the middle of writing", async () => {
    const before = listing(dir.path);
    let interrupted = false;
    await expect(
      writeAtomically(plan, {
        beforeCommit: () => {
          process.emit("SIGINT");
          // The SIGINT handler ran synchronously: exiting is the caller's (here: stop writing).
          if (interrupted) throw new Error("interrupted");
        },
        onInterrupt: () => {
          interrupted = true;
        },
      }),
    ).rejects.toThrow("interrupted");
    expect(interrupted).toBe(true);
    expect(listing(dir.path)).toEqual(before);
    expect(process.listenerCount("SIGINT")).toBe(0);
  });

  it("refuses to replace an existing folder or file, and touches nothing", async () => {
    mkdirSync(plan.packageDir, { recursive: true });
    writeFileSync(join(plan.packageDir, "keep.txt"), "mine");
    const before = listing(dir.path);
    await expect(writeAtomically(plan)).rejects.toThrow("already exists");
    expect(listing(dir.path)).toEqual(before);

    const other = { ...plan, packageDir: join(dir.path, "packages", "connector-other") };
    writeFileSync(join(dir.path, ".changeset", "connector-acme-initial.md"), "theirs");
    const before2 = listing(dir.path);
    await expect(writeAtomically(other)).rejects.toThrow("already exists");
    expect(listing(dir.path)).toEqual(before2);
    expect(existsSync(other.packageDir)).toBe(false);
  });
});
