/**
 * `worker demo` from a clean folder, twice: key created once (0600), every deployed connector synced against its
 * sandbox (full, then incremental), a writeback round trip, the same tenant and connections, safe to repeat.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { demoConnectionId, runDemo } from "../../src/demo/demo.js";
import { ProgressDisplay } from "../../src/runner/progress.js";

const dir = mkdtempSync(join(tmpdir(), "gtm-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function demo() {
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString()));
  // No CONNECTOR_ENCRYPTION_KEY: the demo must create its own key for this data folder.
  const env = { ...process.env, CONNECTOR_ENCRYPTION_KEY: "", DATABASE_URL: "", LOG_LEVEL: "silent" };
  const result = await runDemo({ dataDir: join(dir, "pglite"), size: 60, env, out, progress: new ProgressDisplay({ silent: true }) });
  return { result, text };
}

describe("worker demo", () => {
  it("runs with no configuration, then again safely", { timeout: 120_000 }, async () => {
    const first = await demo();
    const keyFile = join(dir, "encryption.key");
    expect(first.result.keyCreated).toBe(true);
    expect(first.result.keySource).toBe(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(first.text).toContain(`Created an encryption key for this data folder at ${keyFile}`);

    const ids = first.result.connections.map((connection) => connection.connectorId);
    expect(ids).toEqual(["customerio", "delivr", "fathom", "o365", "salesforce"]);
    expect(first.result.skipped).toEqual([]);
    for (const connection of first.result.connections) {
      expect(connection.full.status, connection.connectorId).toBe("succeeded");
      expect(connection.incremental.status, connection.connectorId).toBe("succeeded");
      expect(Object.values(connection.recordsByKind).reduce((a, b) => a + b, 0), connection.connectorId).toBeGreaterThan(0);
    }
    expect(first.result.writeback).toEqual([
      expect.stringMatching(/^salesforce: writeback of person \S+ \(title "Demo writeback [^"]+"\): 1 confirmed, 0 failed at the source; read back by the incremental sync\.$/),
    ]);

    const fathom = first.result.connections.find((connection) => connection.connectorId === "fathom");
    expect(fathom).toMatchObject({ connectorId: "fathom", connectionId: demoConnectionId("fathom") });
    expect(fathom?.full).toMatchObject({ status: "succeeded", pages: 6, quarantined: 2 });
    expect(fathom?.recordsByKind["activity"]).toBe(60 + 3 - 2); // seeded + new at the source - quarantined
    expect(fathom?.recordsByKind["person"]).toBeGreaterThan(0);
    expect(fathom?.documents).toBeGreaterThan(0);
    expect(fathom?.incremental).toMatchObject({ status: "succeeded", pages: 1, requests: 1 });
    expect(fathom?.incremental.records).toBeLessThan((fathom?.full.records ?? 0) / 4);
    expect(first.text).toMatch(/connector\s+sync\s+status\s+accounts\s+activities\s+persons/);
    expect(first.text).toMatch(/the incremental sync read \d+ records in 1 page\(s\)/);

    const second = await demo();
    expect(second.result.keyCreated).toBe(false);
    expect(second.text).toContain(`Using the encryption key from ${keyFile}`);
    expect(second.result.connections.map((connection) => connection.connectionId)).toEqual(
      first.result.connections.map((connection) => connection.connectionId),
    );
    expect(second.result.writeback[0]).toMatch(/1 confirmed, 0 failed at the source; read back by the incremental sync\.$/);
    const again = second.result.connections.find((connection) => connection.connectorId === "fathom");
    expect(again?.connectionId).toBe(fathom?.connectionId);
    expect(again?.full.status).toBe("succeeded");
    expect(again?.full.created).toBe(0); // the same source data: nothing new the second time
    expect(again?.recordsByKind).toEqual(fathom?.recordsByKind);
  });
});
