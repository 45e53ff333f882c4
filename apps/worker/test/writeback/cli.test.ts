/** `worker writeback enqueue|list|drain`, and the drain after `worker sync`, through the CLI's own entry point. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectorRegistry } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.js";
import { TEST_KEY } from "../support/fixtures.js";
import { CRM_TOKEN, LoopbackCrmConnector, startLoopbackCrm, type LoopbackCrm } from "./loopback-crm.js";
import { openApp } from "../../src/app.js";

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
let crm: LoopbackCrm;
let connectionId: string;
const tenant = "wb-cli";
const saved = { ...process.env };
const connector = new LoopbackCrmConnector();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gtm-wb-cli-"));
  crm = await startLoopbackCrm();
  process.env["GTM_DATA_DIR"] = join(dir, "pglite");
  process.env["CONNECTOR_ENCRYPTION_KEY"] = TEST_KEY;
  process.env["LOG_LEVEL"] = "silent";
  delete process.env["DATABASE_URL"];
  // Deployed for this process only: the CLI finds connectors in core's registry.
  connectorRegistry.register(connector);
  const app = await openApp();
  try {
    await app.store.createTenant({ tenantId: tenant });
    connectionId = (
      await app.store.createConnection({
        tenantId: tenant,
        connectorId: connector.id,
        connectorVersion: connector.version,
        settings: { baseUrl: crm.url },
        credentials: { token: CRM_TOKEN },
      })
    ).id;
  } finally {
    await app.close();
  }
}, 300_000);
afterAll(async () => {
  connectorRegistry.unregister(connector.id);
  process.env = saved;
  await crm.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("worker writeback", () => {
  it.each([["enqueue"], ["list"], ["drain"]])("writeback %s --help prints its usage", async (sub) => {
    const { code, out } = await capture(["writeback", sub, "--help"]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Usage: worker writeback ${sub} --tenant <id>`));
  });

  it("refuses invalid input whole, listing every issue, and queues nothing", async () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify([{ kind: "person", externalId: "p1" }, { kind: "person", email: "not-an-email" }, { kind: "robot", externalId: "r" }]));
    const { code, err } = await capture(["writeback", "enqueue", "-t", tenant, "-c", connectionId, "--file", file]);
    expect(code).toBe(1);
    expect(err).toContain("Nothing was queued");
    expect(err).toMatch(/change 1: .*externalId/);
    expect(err).toMatch(/change 2: /);
    writeFileSync(file, "{not json");
    expect((await capture(["writeback", "enqueue", "-t", tenant, "-c", connectionId, "-f", file])).err).toMatch(/not JSON/);
    const listed = await capture(["writeback", "list", "-t", tenant, "--json"]);
    expect(listed.out).toBe("");
  });

  it("enqueues from a file (idempotently per changeId), drains to the source, and lists by status", async () => {
    const file = join(dir, "changes.json");
    const changeId = "6f0c7a52-4d6e-4c39-9d0b-0d7f6f5b2a11";
    writeFileSync(
      file,
      JSON.stringify([
        { changeId, record: { kind: "account", externalId: "001A", name: "Acme", domain: "acme.example" } },
        { kind: "person", externalId: "003B", title: "CFO" },
        { kind: "person", externalId: "bad-1", title: "x" },
      ]),
    );
    const queued = await capture(["writeback", "enqueue", "-t", tenant, "-c", connectionId, "-f", file]);
    expect(queued.code).toBe(0);
    expect(queued.out).toContain("Queued 3 changes");
    // The same file again: the enveloped change is not queued twice.
    await capture(["writeback", "enqueue", "-t", tenant, "-c", connectionId, "-f", file]);
    const before = await capture(["writeback", "list", "-t", tenant, "--status", "queued", "--json"]);
    expect(before.out.split("\n").filter((l) => l.includes('"001A"'))).toHaveLength(1);

    const drained = await capture(["writeback", "drain", "-t", tenant, "-c", connectionId]);
    expect(drained.code).toBe(0);
    expect(drained.out).toContain("3 confirmed, 2 failed");
    expect(crm.applied.map((w) => w.externalId)).toEqual(["001A", "003B"]);

    const failed = await capture(["writeback", "list", "-t", tenant, "--status", "failed"]);
    expect(failed.out).toContain("FIELD_CUSTOM_VALIDATION_EXCEPTION");
    const bad = await capture(["writeback", "list", "-t", tenant, "--status", "lost"]);
    expect(bad.code).toBe(1);
  });

  it("drain --temporal needs the Temporal environment, checked before anything is opened", async () => {
    delete process.env["TEMPORAL_ADDRESS"];
    const missing = await capture(["writeback", "drain", "-t", tenant, "-c", connectionId, "--temporal"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("--temporal: TEMPORAL_ADDRESS: is required");
    const capped = await capture(["writeback", "drain", "-t", tenant, "-c", connectionId, "--temporal", "--max-batches", "2"]);
    expect(capped.code).toBe(1);
    expect(capped.err).toContain("--max-batches applies to an in-process drain");
    const help = await capture(["writeback", "drain", "--help"]);
    expect(help.out).toContain("writeback:{tenant}:{connection}");
  });

  it("`worker sync` drains the connection's outbox after the sync", async () => {
    const file = join(dir, "one.json");
    writeFileSync(file, JSON.stringify({ kind: "person", externalId: "003C", title: "CTO" }));
    expect((await capture(["writeback", "enqueue", "-t", tenant, "-c", connectionId, "-f", file])).code).toBe(0);
    const synced = await capture(["sync", "-t", tenant, "-c", connectionId, "--quiet"]);
    expect(synced.code).toBe(0);
    expect(crm.applied.map((w) => w.externalId)).toContain("003C");
    const counts = await capture(["writeback", "list", "-t", tenant, "--status", "queued", "--json"]);
    expect(counts.out).toBe("");
  });
});
