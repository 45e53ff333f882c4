import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createKeyRing } from "@gtm-clarity/core";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../src/index.js";
import { activity, createTestDatabase, engines, reportSkip } from "./helpers.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
      cwd: packageDir,
      env: { ...process.env, DATABASE_URL: undefined, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("gtm-store CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "store-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints help", async () => {
    const result = await cli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: gtm-store <command>/);
    expect(result.stdout).toMatch(/--database-url/);
  });

  it("rejects an unknown command with usage", async () => {
    const result = await cli(["frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown command "frobnicate"/);
  });

  it("migrates a PGlite data folder that then keeps its data across reopening", async () => {
    const dataDir = join(dir, "pglite");
    const migrated = await cli(["migrate", "--data-dir", dataDir]);
    expect(migrated.stdout).toMatch(/applied migration\(s\) 1/);
    expect(migrated.code).toBe(0);

    const keyRing = createKeyRing("4".repeat(64));
    const first = await openStore({ dataDir, keyRing, migrate: false });
    expect(await first.migrate()).toMatchObject({ applied: [] });
    await first.createTenant({ tenantId: "t" });
    const connection = await first.createConnection({ tenantId: "t", connectorId: "x", connectorVersion: "1", credentials: { k: "v" } });
    await first.commitPage({ tenantId: "t", connectionId: connection.id, records: [activity("a1")], cursor: "c1" });
    await first.close();

    const second = await openStore({ dataDir, keyRing });
    expect(await second.getCursor({ tenantId: "t", connectionId: connection.id })).toBe("c1");
    expect(await second.getConnectionCredentials({ tenantId: "t", connectionId: connection.id })).toEqual({ k: "v" });
    expect(await second.listRecords({ tenantId: "t" })).toHaveLength(1);
    await second.close();
    // A child process runs PGlite's initdb, then the folder is opened twice: well over 30 s on a loaded 2-core CI box.
  }, 300_000);
});

describe.each(engines.filter((engine) => engine.name === "pg"))("gtm-store CLI on $name", (engine) => {
  if (reportSkip(engine)) return;
  it("migrates a server given by --database-url and by DATABASE_URL", async () => {
    const db = await createTestDatabase(engine);
    try {
      const first = await cli(["migrate", "--database-url", db.url ?? ""]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/PostgreSQL .*applied migration\(s\) 1/);
      const second = await cli(["migrate"], { DATABASE_URL: db.url });
      expect(second.stdout).toMatch(/schema is up to date/);
    } finally {
      await db.dispose();
    }
  });

  it("reports an unreachable server as an error", async () => {
    const result = await cli(["migrate", "--database-url", "postgres://nobody@127.0.0.1:1/none"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PostgreSQL postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
  });
});
