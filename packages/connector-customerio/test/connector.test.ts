import { connectorRegistry, invalidMappingTargets, isSchemaError } from "@gtm-clarity/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { CustomerioConnector } from "../src/connector.js";
import { customerioSandbox, type CustomerioSandbox } from "../src/sandbox/index.js";
import { sandboxConnection } from "./support.js";

let sandbox: CustomerioSandbox;
beforeAll(async () => {
  sandbox = await customerioSandbox.start({ seed: 4, size: 12 });
});
afterAll(() => sandbox.close());

describe("CustomerioConnector", () => {
  it("registers itself on import, with the package's version", async () => {
    await import("../src/index.js");
    const registered = connectorRegistry.get("customerio");
    expect(registered).toBeInstanceOf(CustomerioConnector);
    expect(registered.version).toBe(pkg.version);
    expect(registered.name).toBe("Customer.io");
    expect(registered.webhooks).toBeDefined();
  });

  it("maps only to canonical fields, for people and activities", () => {
    const mappings = new CustomerioConnector().getSchema();
    expect(invalidMappingTargets(mappings)).toEqual([]);
    expect(new Set(mappings.map((mapping) => mapping.kind))).toEqual(new Set(["person", "activity"]));
  });

  it("returns one page per call with its request count, and a cursor that resumes", async () => {
    const connector = new CustomerioConnector();
    const connection = sandboxConnection(sandbox);
    const first = await connector.sync(connection.credentials, null, { settings: connection.settings });
    expect(first.records.length).toBeGreaterThan(0);
    expect(first.stats.requests).toBeGreaterThanOrEqual(1);
    expect(first.cursor).not.toBeNull();
    if (first.hasMore) {
      const second = await connector.sync(connection.credentials, first.cursor, { settings: connection.settings });
      expect(second.cursor).not.toBe(first.cursor);
    }
  });

  it("refuses a cursor it did not write with a SchemaError, never a silent resync", async () => {
    const connector = new CustomerioConnector();
    const connection = sandboxConnection(sandbox);
    for (const cursor of ["not a cursor", JSON.stringify({ v: 99 })]) {
      await expect(connector.sync(connection.credentials, cursor, { settings: connection.settings })).rejects.toSatisfy(isSchemaError);
    }
  });

  it("reports health, and an unhealthy status without the key for a revoked one", async () => {
    const connector = new CustomerioConnector();
    const connection = sandboxConnection(sandbox);
    expect(await connector.healthCheck(connection.credentials, { settings: connection.settings })).toMatchObject({ healthy: true });
    const bad = await connector.healthCheck(sandbox.badCredentials, { settings: connection.settings });
    expect(bad.healthy).toBe(false);
    expect(bad.error).toMatch(/401|Unauthorized|AuthError/);
    expect(bad.error).not.toContain(sandbox.apiKey);
  });
});
