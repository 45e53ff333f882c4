/** The CLI: --help everywhere, connection management and runs against a sandbox, Ctrl-C at a page boundary. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createKeyRing } from "@gtm-clarity/core";
import { startFathomSandbox, type FathomSandbox } from "@gtm-clarity/connector-fathom/sandbox";
import { openStore } from "@gtm-clarity/store";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.js";
import { TEST_KEY } from "../support/fixtures.js";

const COMMANDS = [
  ["start"],
  ["sync"],
  ["connections", "add"],
  ["connections", "list"],
  ["connections", "remove"],
  ["runs", "list"],
  ["schedules", "sync"],
  ["connectors"],
  ["demo"],
];

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void out.push(args.join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void err.push(args.join(" ")));
  try {
    const code = await main(argv);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

let dir: string;
let sandbox: FathomSandbox;
const saved = { ...process.env };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gtm-cli-"));
  sandbox = await startFathomSandbox({ meetings: 60, rateLimit: false, faults: { latencyMs: 150 } });
  process.env["GTM_DATA_DIR"] = join(dir, "pglite");
  process.env["CONNECTOR_ENCRYPTION_KEY"] = TEST_KEY;
  process.env["LOG_LEVEL"] = "silent";
  delete process.env["DATABASE_URL"];
});
afterAll(async () => {
  process.env = saved;
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env["FATHOM_TEST_KEY"];
});

describe("worker --help", () => {
  it.each(COMMANDS)("%s %s --help prints its usage", async (...words) => {
    const { code, out } = await capture([...words.filter((w): w is string => typeof w === "string"), "--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: worker /);
  });

  it("lists every command at the top level, and rejects unknown ones and bad flags with usage", async () => {
    const top = await capture(["--help"]);
    for (const words of COMMANDS) expect(top.out).toContain(words.join(" "));
    expect((await capture(["frobnicate"])).code).toBe(1);
    const bad = await capture(["sync", "--bogus"]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Unknown option '--bogus'[\s\S]*Usage: worker sync/);
    const missing = await capture(["sync"]);
    expect(missing.err).toMatch(/--tenant is required/);
  });

  it("worker connectors lists the deployed connectors with their versions", async () => {
    const { out } = await capture(["connectors", "--json"]);
    expect(JSON.parse(out)).toEqual([{ id: "fathom", name: "Fathom", version: expect.stringMatching(/^\d+\.\d+\.\d+/) as unknown }]);
  });
});

describe("connections, sync and runs from the CLI", () => {
  it("adds a connection (key from an env var, never argv), syncs it, lists runs, removes it", { timeout: 120_000 }, async () => {
    process.env["FATHOM_TEST_KEY"] = sandbox.apiKey;
    const id = "5f0c3b8e-8d0a-4b8e-9b7a-2f1d8c3e4a51";
    const added = await capture([
      "connections", "add", "-t", "acme", "--connector", "fathom", "--api-key-env", "FATHOM_TEST_KEY",
      "--setting", `baseUrl=${sandbox.url}`, "--setting", "lookbackMinutes=30", "--id", id,
    ]);
    expect(added.err).toBe("");
    expect(added.out).toContain(`Created connection ${id}`);

    const listed = await capture(["connections", "list", "-t", "acme"]);
    expect(listed.out).toMatch(new RegExp(`${id}\\s+fathom\\s+\\d+\\.\\d+\\.\\d+\\s+active`));

    const synced = await capture(["sync", "-t", "acme", "-c", id, "--quiet"]);
    expect(synced.code).toBe(0);
    expect(synced.out).toMatch(/succeeded\s+6\s+/);

    const runs = await capture(["runs", "list", "-t", "acme"]);
    expect(runs.out).toMatch(/fathom\s+\d+\.\d+\.\d+\s+5f0c3b8e\s+succeeded\s+6/);

    // Nothing secret on screen or in the stored settings.
    expect(`${added.out}${listed.out}${synced.out}${runs.out}`).not.toContain(sandbox.apiKey);
    const removed = await capture(["connections", "remove", "-t", "acme", "-c", id]);
    expect(removed.out).toContain("Removed connection");
    expect((await capture(["connections", "list", "-t", "acme"])).out).not.toContain(id);
  });

  it("Ctrl-C stops `worker sync` at a page boundary: exit 130, run cancelled, cursor at the last committed page", { timeout: 120_000 }, async () => {
    const dataDir = join(dir, "sigint");
    const store = await openStore({ dataDir, keyRing: createKeyRing(TEST_KEY) });
    const { createFathomConnection, fastFathom } = await import("../support/fixtures.js");
    await store.createTenant({ tenantId: "sig" });
    const connectionId = await createFathomConnection(store, fastFathom(), sandbox, "sig");
    await store.close();
    sandbox.resetStats();

    const bin = fileURLToPath(new URL("../../bin/worker.js", import.meta.url));
    const child = spawn(process.execPath, [bin, "sync", "-t", "sig", "-c", connectionId], {
      env: { ...process.env, GTM_DATA_DIR: dataDir, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    // Interrupt once two pages have been requested.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (sandbox.stats().meetingsRequests >= 2) {
          clearInterval(poll);
          child.kill("SIGINT");
          resolve();
        }
      }, 10);
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toContain("Stopping after the current page");

    const after = await openStore({ dataDir, keyRing: createKeyRing(TEST_KEY) });
    try {
      const [run] = await after.listRuns({ tenantId: "sig", connectionId });
      expect(run?.status).toBe("cancelled");
      // The page in flight was finished and committed, and nothing after it was started.
      expect(run?.pages).toBe(sandbox.stats().meetingsRequests);
      expect(run?.pages).toBeGreaterThanOrEqual(2);
      expect(run?.pages).toBeLessThan(6);
      expect(await after.getCursor({ tenantId: "sig", connectionId })).not.toBeNull();
    } finally {
      await after.close();
    }
  });
});
