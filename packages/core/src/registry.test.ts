import { afterEach, describe, expect, it, vi } from "vitest";
import type { Connector, ConnectorHealthStatus, SyncResult } from "./connector.js";
import { isConfigError } from "./errors.js";
import type { FieldMapping } from "./field-mapping.js";
import { ConnectorRegistry, connectorRegistry } from "./registry.js";

class FakeConnector implements Connector {
  constructor(
    readonly id: string,
    readonly name: string,
    readonly version: string,
  ) {}
  authenticate() {
    return Promise.resolve({ credentials: {} });
  }
  sync(): Promise<SyncResult> {
    return Promise.resolve({ records: [], cursor: null, hasMore: false, syncedAt: new Date(0), stats: { created: 0, updated: 0, errors: 0 } });
  }
  getSchema(): FieldMapping[] {
    return [];
  }
  healthCheck(): Promise<ConnectorHealthStatus> {
    return Promise.resolve({ healthy: true, lastSync: null });
  }
}

class OtherConnector extends FakeConnector {}

const plain = (id: string, name: string, version: string): Connector => {
  const base = new FakeConnector(id, name, version);
  return {
    id,
    name,
    version,
    authenticate: () => base.authenticate(),
    sync: () => base.sync(),
    getSchema: () => base.getSchema(),
    healthCheck: () => base.healthCheck(),
  };
};

const TEST_IDS = ["test-alpha", "test-beta", "test-gamma", "test-plain"];

afterEach(() => {
  for (const id of TEST_IDS) connectorRegistry.unregister(id);
});

describe("ConnectorRegistry", () => {
  it("throws a ConfigError listing what is registered when an id is unknown", () => {
    const registry = new ConnectorRegistry();
    registry.register(new FakeConnector("test-beta", "Beta", "1.0.0"));
    expect(() => registry.get("nope")).toThrow(/No connector registered under id "nope" \(registered: test-beta\)/);
    expect(() => new ConnectorRegistry().get("nope")).toThrow(/registered: none/);
    try {
      registry.get("nope");
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
    }
  });

  it("throws when a different connector registers under an existing id", () => {
    const registry = new ConnectorRegistry();
    registry.register(new FakeConnector("test-alpha", "Alpha", "1.0.0"));
    expect(() => registry.register(new OtherConnector("test-alpha", "Impostor", "1.0.0"))).toThrow(
      /A different connector is already registered under id "test-alpha" \(Alpha@1\.0\.0, now Impostor@1\.0\.0\)/,
    );
    expect(() => registry.register(new FakeConnector("test-alpha", "Alpha", "2.0.0"))).toThrow(/different connector/);
    expect(registry.get("test-alpha").name).toBe("Alpha");
  });

  it("throws for two different object-literal connectors with the same id and version", () => {
    const registry = new ConnectorRegistry();
    registry.register(plain("test-plain", "First", "1.0.0"));
    expect(() => registry.register(plain("test-plain", "Second", "1.0.0"))).toThrow(/different connector/);
  });

  it("registers, gets, lists (with versions, sorted by id) and reports has()", () => {
    const registry = new ConnectorRegistry();
    const beta = new FakeConnector("test-beta", "Beta", "0.3.1");
    const alpha = new FakeConnector("test-alpha", "Alpha", "1.2.0");
    registry.register(beta);
    registry.register(alpha);
    expect(registry.get("test-alpha")).toBe(alpha);
    expect(registry.has("test-beta")).toBe(true);
    expect(registry.has("test-gamma")).toBe(false);
    expect(registry.list()).toEqual([
      { id: "test-alpha", name: "Alpha", version: "1.2.0" },
      { id: "test-beta", name: "Beta", version: "0.3.1" },
    ]);
    expect(registry.unregister("test-beta")).toBe(true);
    expect(registry.has("test-beta")).toBe(false);
  });

  it("accepts the same instance twice, and an equal re-evaluated module instance", () => {
    const registry = new ConnectorRegistry();
    const first = new FakeConnector("test-alpha", "Alpha", "1.0.0");
    registry.register(first);
    registry.register(first);
    registry.register(new FakeConnector("test-alpha", "Alpha", "1.0.0"));
    expect(registry.get("test-alpha")).toBe(first);
    expect(registry.list()).toHaveLength(1);
  });
});

describe("the process-wide registry", () => {
  it("is shared by a second copy of the module", async () => {
    const gamma = new FakeConnector("test-gamma", "Gamma", "4.5.6");
    connectorRegistry.register(gamma);

    vi.resetModules();
    const secondCopy = await import("./registry.js");
    expect(secondCopy.ConnectorRegistry).not.toBe(ConnectorRegistry); // really a fresh module evaluation
    expect(secondCopy.connectorRegistry).toBe(connectorRegistry);
    expect(secondCopy.connectorRegistry.get("test-gamma")).toBe(gamma);
    expect(secondCopy.connectorRegistry.list()).toContainEqual({ id: "test-gamma", name: "Gamma", version: "4.5.6" });

    // A different connector under the same id is refused whichever copy registers it.
    expect(() => secondCopy.connectorRegistry.register(new OtherConnector("test-gamma", "Impostor", "4.5.6"))).toThrow(
      /different connector/,
    );
  });

  it("lives under a Symbol.for key on globalThis", () => {
    const key = Symbol.for("@gtm-clarity/core/registry");
    expect((globalThis as Record<symbol, unknown>)[key]).toBe(connectorRegistry);
  });
});
